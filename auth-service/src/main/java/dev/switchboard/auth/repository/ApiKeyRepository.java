package dev.switchboard.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepository<ApiKeyEntity> {

    public Optional<ApiKeyEntity> findByHash(String sha256Hex) {
        return find("keyHash", sha256Hex).firstResultOptional();
    }

    public List<Long> idsByUser(long userId) {
        return getEntityManager()
                .createQuery("select k.id from ApiKeyEntity k where k.userId = :u order by k.id", Long.class)
                .setParameter("u", userId).getResultList();
    }

    public List<Long> idsByGroups(Collection<Long> groupIds) {
        if (groupIds.isEmpty()) {
            return List.of();
        }
        return getEntityManager()
                .createQuery("select k.id from ApiKeyEntity k where k.groupId in :g order by k.id", Long.class)
                .setParameter("g", groupIds).getResultList();
    }

    public List<Long> idsByUsers(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return getEntityManager()
                .createQuery("select k.id from ApiKeyEntity k where k.userId in :u order by k.id", Long.class)
                .setParameter("u", userIds).getResultList();
    }

    public List<Long> allIds() {
        return getEntityManager().createQuery("select k.id from ApiKeyEntity k order by k.id", Long.class).getResultList();
    }
}
