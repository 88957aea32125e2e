package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.FieldError;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Requests.ClusterMemberRequest;
import dev.switchboard.catalog.api.Requests.ClusterRequest;
import dev.switchboard.catalog.api.Reference;
import dev.switchboard.catalog.api.Views.ClusterMemberView;
import dev.switchboard.catalog.api.Views.ClusterView;
import dev.switchboard.catalog.entity.Cluster;
import dev.switchboard.catalog.entity.ClusterMember;
import dev.switchboard.catalog.entity.Model;
import dev.switchboard.catalog.entity.Pool;
import dev.switchboard.catalog.repository.ClusterMemberRepository;
import dev.switchboard.catalog.repository.ClusterRepository;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ModelRepository;
import dev.switchboard.catalog.repository.PoolRepository;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Clusters (level 2): a semantic name over ordered pools and raw model names, never clusters. */
@ApplicationScoped
public class ClusterService {

    private final ClusterRepository clusters;
    private final ClusterMemberRepository clusterMembers;
    private final PoolRepository pools;
    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final EntityManager em;
    private final MergePatch mergePatch;
    private final Event<CatalogChanged> changed;

    public ClusterService(ClusterRepository clusters, ClusterMemberRepository clusterMembers, PoolRepository pools,
            ModelRepository models, IntegrityRepository integrity, EntityManager em, MergePatch mergePatch,
            Event<CatalogChanged> changed) {
        this.mergePatch = mergePatch;
        this.clusters = clusters;
        this.clusterMembers = clusterMembers;
        this.pools = pools;
        this.models = models;
        this.integrity = integrity;
        this.em = em;
        this.changed = changed;
    }

    public Page<ClusterView> list(int page, int size) {
        var query = clusters.findAll(Sort.by("id"));
        List<Cluster> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        Map<Long, List<ClusterMemberView>> members = members(items.stream().map(c -> c.id).toList());
        return new Page<>(items.stream().map(c -> view(c, members)).toList(), page, size, query.count());
    }

    public ClusterView get(long id) {
        return view(find(id), members(List.of(id)));
    }

    @Transactional
    public ClusterView create(ClusterRequest request) {
        integrity.lockCatalog();
        Cluster c = new Cluster();
        List<ClusterMember> members = resolve(request.members(), request.name());
        apply(c, request);
        clusters.persist(c);
        replaceMembers(c.id, members);
        changed.fire(new CatalogChanged("cluster " + c.id + " created"));
        return view(c, members(List.of(c.id)));
    }

    @Transactional
    public ClusterView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Cluster c = find(id);
        // members are never merged (an array replaces), so the current state leaves them out
        ClusterRequest current = new ClusterRequest(c.name, c.enabled, c.translation, null);
        ClusterRequest wanted = mergePatch.apply(current, body, ClusterRequest.class);
        List<ClusterMember> members = null;
        if (MergePatch.touches(body, "members")) {
            if (wanted.members() == null || wanted.members().isEmpty()) {
                throw ApiProblem.invalid("members", "a cluster needs at least one member");
            }
            members = resolve(wanted.members(), wanted.name());
        }
        apply(c, wanted);
        if (members != null) {
            replaceMembers(id, members);
        }
        changed.fire(new CatalogChanged("cluster " + id + " updated"));
        return view(c, members(List.of(id)));
    }

    @Transactional
    public void delete(long id, boolean cascade) {
        integrity.lockCatalog();
        Cluster c = find(id);
        List<Reference> refs = integrity.routesTo("cluster", id);
        if (!refs.isEmpty() && !cascade) {
            throw Conflicts.referenced("cluster '" + c.name + "'", refs);
        }
        integrity.remove(refs);
        clusterMembers.deleteByCluster(id);
        clusters.delete(c);
        changed.fire(new CatalogChanged("cluster " + id + " deleted"));
    }

    private Cluster find(long id) {
        Cluster c = clusters.findById(id);
        if (c == null) {
            throw ApiProblem.notFound("cluster", id);
        }
        return c;
    }

    /** Writes a valid request's own fields onto the cluster; null fields take the defaults of a create. */
    private void apply(Cluster c, ClusterRequest r) {
        if (!r.name().equals(c.name)) {
            integrity.requireNameFree(r.name(), "cluster", c.id, null);
            c.name = r.name();
        }
        c.enabled = r.enabled() == null || r.enabled();
        c.translation = r.translation() == null || r.translation();
    }

    /**
     * Without a kind a member name is looked up as a pool, then as a model (names are unique across both,
     * so this is unambiguous). Every problem of every member is reported at once.
     */
    private List<ClusterMember> resolve(List<ClusterMemberRequest> requested, String ownName) {
        List<FieldError> errors = new ArrayList<>();
        List<ClusterMember> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "members[" + i + "].name";
            ClusterMemberRequest r = requested.get(i);
            String memberName = r.name();
            String kind = r.kind();
            if (!seen.add(memberName.toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError(field, "duplicate member"));
                continue;
            }
            Optional<Pool> pool = ClusterSnapshot.MODEL.equals(kind) ? Optional.empty() : pools.findByName(memberName);
            boolean modelExists = !ClusterSnapshot.POOL.equals(kind) && pool.isEmpty()
                    && models.existsByName(memberName);
            ClusterMember member = new ClusterMember();
            member.position = i;
            if (pool.isPresent()) {
                member.poolId = pool.get().id;
            } else if (modelExists) {
                member.modelName = memberName;
            } else if (memberName.equalsIgnoreCase(ownName) || clusters.findByName(memberName).isPresent()) {
                errors.add(new FieldError(field, "a cluster cannot contain a cluster"));
            } else {
                errors.add(new FieldError(field, kind == null ? "no pool or model has this name" : "no " + kind + " has this name"));
            }
            out.add(member);
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return out;
    }

    private void replaceMembers(long clusterId, List<ClusterMember> members) {
        clusterMembers.deleteByCluster(clusterId);
        em.flush();
        for (ClusterMember m : members) {
            m.clusterId = clusterId;
            clusterMembers.persist(m);
        }
        em.flush();
    }

    @SuppressWarnings("unchecked")
    Map<Long, List<ClusterMemberView>> members(List<Long> clusterIds) {
        Map<Long, List<ClusterMemberView>> out = new LinkedHashMap<>();
        if (clusterIds.isEmpty()) {
            return out;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select cm.cluster_id, p.name, cm.model_name
                from catalog.cluster_member cm
                left join catalog.pool p on p.id = cm.pool_id
                where cm.cluster_id in (?1)
                order by cm.cluster_id, cm.position
                """).setParameter(1, clusterIds).getResultList();
        for (Object[] r : rows) {
            ClusterMemberView v = r[1] != null
                    ? new ClusterMemberView(ClusterSnapshot.POOL, (String) r[1])
                    : new ClusterMemberView(ClusterSnapshot.MODEL, (String) r[2]);
            out.computeIfAbsent(((Number) r[0]).longValue(), k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static ClusterView view(Cluster c, Map<Long, List<ClusterMemberView>> members) {
        return new ClusterView(c.id, c.name, c.enabled, c.translation, members.getOrDefault(c.id, List.of()));
    }
}
