package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
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

    static final Set<String> FIELDS = Set.of("name", "strategy", "enabled", "sameCandidateRetry", "translation", "members");
    private static final Set<String> MEMBER_FIELDS = Set.of("provider", "providerId", "model", "priority",
            "weight", "enabled");
    static final Set<String> STRATEGIES = Set.of(PoolSnapshot.PRIORITY, PoolSnapshot.ROUND_ROBIN,
            PoolSnapshot.WEIGHTED, PoolSnapshot.QUOTA_AWARE);
    private static final int MAX_MEMBERS = 200;

    private final PoolRepository pools;
    private final PoolMemberRepository poolMembers;
    private final ProviderRepository providers;
    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final EntityManager em;
    private final Event<CatalogChanged> changed;

    public PoolService(PoolRepository pools, PoolMemberRepository poolMembers, ProviderRepository providers,
            ModelRepository models, IntegrityRepository integrity, EntityManager em, Event<CatalogChanged> changed) {
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
    public PoolView create(JsonNode body) {
        integrity.lockCatalog();
        Fields f = Fields.of(body, FIELDS);
        f.require("name");
        f.require("members");
        Pool p = new Pool();
        p.strategy = PoolSnapshot.PRIORITY;
        p.enabled = true;
        List<PoolMember> members = apply(p, f);
        pools.persist(p);
        replaceMembers(p.id, members);
        changed.fire(new CatalogChanged("pool " + p.id + " created"));
        return view(p, members(List.of(p.id)));
    }

    @Transactional
    public PoolView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Pool p = find(id);
        List<PoolMember> members = apply(p, Fields.of(body, FIELDS));
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

    /** Applies the named fields; returns the new member list when {@code members} was named, else null. */
    private List<PoolMember> apply(Pool p, Fields f) {
        String name = null;
        if (f.has("name")) {
            name = f.text("name");
            Names.checkName(f, "name", name);
        }
        if (f.has("strategy")) {
            String s = f.oneOf("strategy", STRATEGIES);
            p.strategy = s == null ? p.strategy : s;
        }
        if (f.has("enabled")) {
            Boolean e = f.bool("enabled");
            p.enabled = e == null ? p.enabled : e;
        }
        if (f.has("sameCandidateRetry")) {
            Boolean r = f.bool("sameCandidateRetry");
            p.sameCandidateRetry = r == null ? p.sameCandidateRetry : r;
        }
        if (f.has("translation")) {
            Boolean t = f.bool("translation");
            p.translation = t == null ? p.translation : t;
        }
        List<PoolMember> members = null;
        if (f.has("members")) {
            JsonNode array = f.array("members");
            if (array != null) {
                members = parseMembers(f, array);
            }
        }
        f.throwIfErrors();
        if (name != null && !name.equals(p.name)) {
            integrity.requireNameFree(name, "pool", p.id, null);
            p.name = name;
        }
        return members;
    }

    private List<PoolMember> parseMembers(Fields f, JsonNode array) {
        if (array.isEmpty()) {
            f.error("members", "a pool needs at least one member");
            return List.of();
        }
        if (array.size() > MAX_MEMBERS) {
            f.error("members", "at most " + MAX_MEMBERS + " members");
            return List.of();
        }
        List<PoolMember> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "members[" + i + "]";
            Fields m = f.nested(array.get(i), path, MEMBER_FIELDS);
            Provider provider = null;
            if (m.has("providerId")) {
                Long pid = m.longValue("providerId");
                provider = pid == null ? null : providers.findById(pid);
                if (pid != null && provider == null) {
                    m.error("providerId", "unknown provider");
                }
            } else if (m.has("provider")) {
                String pname = m.text("provider");
                provider = pname == null ? null : providers.findByName(pname).orElse(null);
                if (pname != null && provider == null) {
                    m.error("provider", "unknown provider");
                }
            } else {
                m.error("provider", "is required (provider name or providerId)");
            }
            String modelName = m.text("model");
            Model model = null;
            if (provider != null && modelName != null) {
                model = models.findByName(provider.id, modelName).orElse(null);
                if (model == null) {
                    m.error("model", "provider '" + provider.name + "' has no such model");
                }
            }
            PoolMember member = new PoolMember();
            Integer priority = m.has("priority") ? m.integer("priority") : Integer.valueOf(i);
            member.priority = priority == null ? i : priority;
            Integer weight = m.has("weight") ? m.positive("weight") : Integer.valueOf(1);
            member.weight = weight == null ? 1 : weight;
            Boolean enabled = m.has("enabled") ? m.bool("enabled") : Boolean.TRUE;
            member.enabled = enabled == null || enabled;
            if (model != null) {
                if (!seen.add(model.id)) {
                    m.error("model", "duplicate member");
                }
                member.modelId = model.id;
            }
            out.add(member);
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
