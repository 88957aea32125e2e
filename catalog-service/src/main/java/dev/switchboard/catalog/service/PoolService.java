package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.FieldError;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Requests.PoolMemberRequest;
import dev.switchboard.catalog.api.Requests.PoolRequest;
import dev.switchboard.catalog.api.Reference;
import dev.switchboard.catalog.api.Views.PoolMemberView;
import dev.switchboard.catalog.api.Views.PoolView;
import dev.switchboard.catalog.entity.Model;
import dev.switchboard.catalog.entity.Pool;
import dev.switchboard.catalog.entity.PoolMember;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ModelRepository;
import dev.switchboard.catalog.repository.PoolMemberRepository;
import dev.switchboard.catalog.repository.PoolRepository;
import dev.switchboard.catalog.repository.ProviderRepository;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Pools (level 1): one virtual model served by (provider, model) members. */
@ApplicationScoped
public class PoolService {

    private final PoolRepository pools;
    private final PoolMemberRepository poolMembers;
    private final ProviderRepository providers;
    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final EntityManager em;
    private final MergePatch mergePatch;
    private final Event<CatalogChanged> changed;

    public PoolService(PoolRepository pools, PoolMemberRepository poolMembers, ProviderRepository providers,
            ModelRepository models, IntegrityRepository integrity, EntityManager em, MergePatch mergePatch,
            Event<CatalogChanged> changed) {
        this.mergePatch = mergePatch;
        this.pools = pools;
        this.poolMembers = poolMembers;
        this.providers = providers;
        this.models = models;
        this.integrity = integrity;
        this.em = em;
        this.changed = changed;
    }

    public Page<PoolView> list(int page, int size) {
        var query = pools.findAll(Sort.by("id"));
        List<Pool> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        Map<Long, List<PoolMemberView>> members = members(items.stream().map(p -> p.id).toList());
        return new Page<>(items.stream().map(p -> view(p, members)).toList(), page, size, query.count());
    }

    public PoolView get(long id) {
        Pool p = find(id);
        return view(p, members(List.of(id)));
    }

    @Transactional
    public PoolView create(PoolRequest request) {
        integrity.lockCatalog();
        Pool p = new Pool();
        List<PoolMember> members = resolve(request.members());
        apply(p, request);
        pools.persist(p);
        replaceMembers(p.id, members);
        changed.fire(new CatalogChanged("pool " + p.id + " created"));
        return view(p, members(List.of(p.id)));
    }

    @Transactional
    public PoolView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Pool p = find(id);
        // members are never merged (an array replaces), so the current state leaves them out
        PoolRequest current = new PoolRequest(p.name, p.strategy, p.enabled, p.sameCandidateRetry, p.translation, null);
        PoolRequest wanted = mergePatch.apply(current, body, PoolRequest.class);
        List<PoolMember> members = null;
        if (MergePatch.touches(body, "members")) {
            if (wanted.members() == null || wanted.members().isEmpty()) {
                throw ApiProblem.invalid("members", "a pool needs at least one member");
            }
            members = resolve(wanted.members());
        }
        apply(p, wanted);
        if (members != null) {
            replaceMembers(id, members);
        }
        changed.fire(new CatalogChanged("pool " + id + " updated"));
        return view(p, members(List.of(id)));
    }

    @Transactional
    public void delete(long id, boolean cascade) {
        integrity.lockCatalog();
        Pool p = find(id);
        List<Reference> refs = new ArrayList<>();
        refs.addAll(integrity.clusterMembersOfPool(id));
        refs.addAll(integrity.routesTo("pool", id));
        if (!refs.isEmpty() && !cascade) {
            throw Conflicts.referenced("pool '" + p.name + "'", refs);
        }
        integrity.remove(refs);
        poolMembers.deleteByPool(id);
        pools.delete(p);
        changed.fire(new CatalogChanged("pool " + id + " deleted"));
    }

    private Pool find(long id) {
        Pool p = pools.findById(id);
        if (p == null) {
            throw ApiProblem.notFound("pool", id);
        }
        return p;
    }

    /** Writes a valid request's own fields onto the pool; null fields take the defaults of a create. */
    private void apply(Pool p, PoolRequest r) {
        if (!r.name().equals(p.name)) {
            integrity.requireNameFree(r.name(), "pool", p.id, null);
            p.name = r.name();
        }
        p.strategy = r.strategy() == null ? PoolSnapshot.PRIORITY : r.strategy();
        p.enabled = r.enabled() == null || r.enabled();
        p.sameCandidateRetry = r.sameCandidateRetry() == null || r.sameCandidateRetry();
        p.translation = r.translation() == null || r.translation();
    }

    /**
     * The members with their model ids. Every problem of every member is reported at once: the provider and
     * model must exist, a model is a member once, the weight is &gt; 0.
     */
    private List<PoolMember> resolve(List<PoolMemberRequest> requested) {
        List<FieldError> errors = new ArrayList<>();
        List<PoolMember> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String path = "members[" + i + "].";
            PoolMemberRequest r = requested.get(i);
            Provider provider = null;
            if (r.providerId() != null) {
                provider = providers.findById(r.providerId());
                if (provider == null) {
                    errors.add(new FieldError(path + "providerId", "unknown provider"));
                }
            } else if (r.provider() != null && !r.provider().isEmpty()) {
                provider = providers.findByName(r.provider()).orElse(null);
                if (provider == null) {
                    errors.add(new FieldError(path + "provider", "unknown provider"));
                }
            } else {
                errors.add(new FieldError(path + "provider", "is required (provider name or providerId)"));
            }
            PoolMember member = new PoolMember();
            if (provider != null) {
                Model model = models.findByName(provider.id, r.model()).orElse(null);
                if (model == null) {
                    errors.add(new FieldError(path + "model", "provider '" + provider.name + "' has no such model"));
                } else if (!seen.add(model.id)) {
                    errors.add(new FieldError(path + "model", "duplicate member"));
                } else {
                    member.modelId = model.id;
                }
            }
            if (r.weight() != null && r.weight() <= 0) {
                errors.add(new FieldError(path + "weight", "must be greater than 0"));
            }
            member.priority = r.priority() == null ? i : r.priority();
            member.weight = r.weight() == null ? 1 : r.weight();
            member.enabled = r.enabled() == null || r.enabled();
            out.add(member);
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return out;
    }

    private void replaceMembers(long poolId, List<PoolMember> members) {
        poolMembers.deleteByPool(poolId);
        em.flush();
        for (PoolMember m : members) {
            m.poolId = poolId;
            poolMembers.persist(m);
        }
        em.flush();
    }

    /** Members of the given pools, ordered by priority then id, with provider and model names. */
    @SuppressWarnings("unchecked")
    Map<Long, List<PoolMemberView>> members(List<Long> poolIds) {
        Map<Long, List<PoolMemberView>> out = new LinkedHashMap<>();
        if (poolIds.isEmpty()) {
            return out;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select pm.pool_id, pm.id, pr.id, pr.name, m.name, pm.priority, pm.weight, pm.enabled
                from catalog.pool_member pm
                join catalog.model m on m.id = pm.model_id
                join catalog.provider pr on pr.id = m.provider_id
                where pm.pool_id in (?1)
                order by pm.pool_id, pm.priority, pm.id
                """).setParameter(1, poolIds).getResultList();
        for (Object[] r : rows) {
            out.computeIfAbsent(((Number) r[0]).longValue(), k -> new ArrayList<>()).add(new PoolMemberView(
                    ((Number) r[1]).longValue(), ((Number) r[2]).longValue(), (String) r[3], (String) r[4],
                    ((Number) r[5]).intValue(), ((Number) r[6]).intValue(), (Boolean) r[7]));
        }
        return out;
    }

    private static PoolView view(Pool p, Map<Long, List<PoolMemberView>> members) {
        return new PoolView(p.id, p.name, p.strategy, p.enabled, p.sameCandidateRetry, p.translation,
                members.getOrDefault(p.id, List.of()));
    }
}
