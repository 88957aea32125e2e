package dev.switchboard.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Hands out versions from {@code auth.version_seq}, shared by keys, users and groups. */
@ApplicationScoped
public class VersionRepository {

    private final EntityManager em;

    public VersionRepository(EntityManager em) {
        this.em = em;
    }

    public long next() {
        return ((Number) em.createNativeQuery("select nextval('auth.version_seq')").getSingleResult()).longValue();
    }
}
