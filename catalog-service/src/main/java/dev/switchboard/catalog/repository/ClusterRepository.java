package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.Cluster;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class ClusterRepository implements PanacheRepository<Cluster> {

    /** Names are unique case-insensitively across pools, clusters and models. */
    public Optional<Cluster> findByName(String name) {
        return find("lower(name) = lower(?1)", name).firstResultOptional();
    }
}
