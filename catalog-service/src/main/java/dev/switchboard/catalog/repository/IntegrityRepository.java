package dev.switchboard.catalog.repository;

import dev.switchboard.admin.ApiProblem;
import dev.switchboard.catalog.service.Conflicts;
import dev.switchboard.catalog.api.Reference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Cross-table questions the entities cannot answer on their own: who uses a name, who references an
 * object. Every catalog write takes {@link #lockCatalog()} first, so these answers stay true until
 * the transaction commits (catalog writes are rare; serialising them is cheap and simple).
 */
@ApplicationScoped
public class IntegrityRepository {

    /** Arbitrary constant identifying the catalog write lock among PostgreSQL advisory locks. */
    private static final long CATALOG_LOCK = 0x5BCA7A10L;

    private final EntityManager em;

    public IntegrityRepository(EntityManager em) {
        this.em = em;
    }

    public void lockCatalog() {
        em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1)) t")
                .setParameter(1, CATALOG_LOCK)
                .getSingleResult();
    }

    /**
     * What already uses {@code name} in the tenant namespace, ignoring the object itself.
     *
     * @param kind pool | cluster | model (the kind of the object taking the name)
     * @param selfId id of that object when renaming, else null
     * @param providerId for kind model: the provider (same name on another provider is allowed)
     * @return e.g. "pool 12", or empty when the name is free
     */
    @SuppressWarnings("unchecked")
    public Optional<String> nameUser(String name, String kind, Long selfId, Long providerId) {
        long self = selfId == null ? -1 : selfId;
        List<Object[]> rows = em.createNativeQuery("""
                select 'pool', id from catalog.pool where lower(name) = lower(?1) and not (?2 = 'pool' and id = ?3)
                union all
                select 'cluster', id from catalog.cluster where lower(name) = lower(?1) and not (?2 = 'cluster' and id = ?3)
                union all
                select 'model', id from catalog.model where lower(name) = lower(?1)
                    and ?2 <> 'model'
                union all
                select 'model', id from catalog.model where lower(name) = lower(?1)
                    and ?2 = 'model' and provider_id = ?4 and id <> ?3
                limit 1
                """)
                .setParameter(1, name)
                .setParameter(2, kind)
                .setParameter(3, self)
                .setParameter(4, providerId == null ? -1L : providerId)
                .getResultList();
        return rows.stream().findFirst().map(r -> r[0] + " " + ((Number) r[1]).longValue());
    }

    /** @throws ApiProblem 409 naming {@code name} when {@link #nameUser} finds a user */
    public void requireNameFree(String name, String kind, Long selfId, Long providerId) {
        nameUser(name, kind, selfId, providerId).ifPresent(user -> {
            throw Conflicts.nameTaken(name, user);
        });
    }

    /** Pool members using any of the given models. */
    @SuppressWarnings("unchecked")
    public List<Reference> poolMembersOfModels(Collection<Long> modelIds) {
        if (modelIds.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery("""
                select pm.id, p.name, pr.name, m.name
                from catalog.pool_member pm
                join catalog.pool p on p.id = pm.pool_id
                join catalog.model m on m.id = pm.model_id
                join catalog.provider pr on pr.id = m.provider_id
                where pm.model_id in (?1)
                order by pm.id
                """).setParameter(1, modelIds).getResultList();
        List<Reference> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Reference("pool_member", ((Number) r[0]).longValue(), (String) r[1],
                    "member " + r[2] + "/" + r[3]));
        }
        return out;
    }

    /**
     * Cluster members naming a model that would no longer exist on any provider once the given
     * models are gone (a name still offered elsewhere stays valid).
     */
    @SuppressWarnings("unchecked")
    public List<Reference> clusterMembersOrphanedBy(Collection<Long> leavingModelIds) {
        if (leavingModelIds.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery("""
                select cm.id, c.name, cm.model_name
                from catalog.cluster_member cm
                join catalog.cluster c on c.id = cm.cluster_id
                where lower(cm.model_name) in (select lower(name) from catalog.model where id in (?1))
                  and not exists (select 1 from catalog.model m
                                  where lower(m.name) = lower(cm.model_name) and m.id not in (?1))
                order by cm.id
                """).setParameter(1, leavingModelIds).getResultList();
        List<Reference> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Reference("cluster_member", ((Number) r[0]).longValue(), (String) r[1],
                    "model " + r[2]));
        }
        return out;
    }

    /** Cluster members naming the pool. */
    @SuppressWarnings("unchecked")
    public List<Reference> clusterMembersOfPool(long poolId) {
        List<Object[]> rows = em.createNativeQuery("""
                select cm.id, c.name, p.name
                from catalog.cluster_member cm
                join catalog.cluster c on c.id = cm.cluster_id
                join catalog.pool p on p.id = cm.pool_id
                where cm.pool_id = ?1
                order by cm.id
                """).setParameter(1, poolId).getResultList();
        List<Reference> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Reference("cluster_member", ((Number) r[0]).longValue(), (String) r[1], "pool " + r[2]));
        }
        return out;
    }

    /** Routes whose target is the given object. */
    @SuppressWarnings("unchecked")
    public List<Reference> routesTo(String targetKind, long targetId) {
        String column = switch (targetKind) {
            case "provider" -> "target_provider_id";
            case "pool" -> "target_pool_id";
            case "cluster" -> "target_cluster_id";
            default -> throw new IllegalArgumentException("unknown target kind");
        };
        List<Object[]> rows = em.createNativeQuery(
                "select id, pattern from catalog.route where " + column + " = ?1 order by id")
                .setParameter(1, targetId).getResultList();
        List<Reference> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Reference("route", ((Number) r[0]).longValue(), (String) r[1], targetKind + " target"));
        }
        return out;
    }

    /** Deletes the referencing rows (a cascade). */
    public void remove(List<Reference> references) {
        for (Reference ref : references) {
            String table = switch (ref.kind()) {
                case "pool_member" -> "catalog.pool_member";
                case "cluster_member" -> "catalog.cluster_member";
                case "route" -> "catalog.route";
                default -> throw new IllegalArgumentException("unknown reference kind");
            };
            em.createNativeQuery("delete from " + table + " where id = ?1").setParameter(1, ref.id()).executeUpdate();
        }
    }
}
