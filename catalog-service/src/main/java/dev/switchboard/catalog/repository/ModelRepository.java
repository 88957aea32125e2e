package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.Model;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ModelRepository implements PanacheRepository<Model> {

    public PanacheQuery<Model> byProvider(long providerId) {
        return find("providerId", Sort.by("id"), providerId);
    }

    public List<Long> idsOfProvider(long providerId) {
        return list("providerId", providerId).stream().map(m -> m.id).toList();
    }

    public long countByProvider(long providerId) {
        return count("providerId", providerId);
    }

    public long deleteByProvider(long providerId) {
        return delete("providerId", providerId);
    }

    /** The model of that name on the provider (case-insensitive). */
    public Optional<Model> findByName(long providerId, String name) {
        return find("providerId = ?1 and lower(name) = lower(?2)", providerId, name).firstResultOptional();
    }

    /** Whether any provider offers a model of that name (case-insensitive). */
    public boolean existsByName(String name) {
        return count("lower(name) = lower(?1)", name) > 0;
    }
}
