package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.Provider;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class ProviderRepository implements PanacheRepository<Provider> {

    /** Names are unique case-insensitively. */
    public Optional<Provider> findByName(String name) {
        return find("lower(name) = lower(?1)", name).firstResultOptional();
    }
}
