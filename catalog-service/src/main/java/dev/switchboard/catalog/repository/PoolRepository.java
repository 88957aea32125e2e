package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.Pool;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class PoolRepository implements PanacheRepository<Pool> {

    /** Names are unique case-insensitively across pools, clusters and models. */
    public Optional<Pool> findByName(String name) {
        return find("lower(name) = lower(?1)", name).firstResultOptional();
    }
}
