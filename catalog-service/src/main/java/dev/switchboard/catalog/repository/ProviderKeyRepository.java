package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.ProviderKey;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ProviderKeyRepository implements PanacheRepository<ProviderKey> {

    public PanacheQuery<ProviderKey> byProvider(long providerId) {
        return find("providerId", Sort.by("id"), providerId);
    }

    public long countByProvider(long providerId) {
        return count("providerId", providerId);
    }

    public long deleteByProvider(long providerId) {
        return delete("providerId", providerId);
    }

    /** Labels are unique per provider, case-insensitively. */
    public Optional<ProviderKey> findByLabel(long providerId, String label) {
        return find("providerId = ?1 and lower(label) = lower(?2)", providerId, label).firstResultOptional();
    }

    /** Keys whose ciphertext does not start with {@code activeKeyId:} (candidates for re-sealing). */
    public List<ProviderKey> notSealedWith(String activeKeyId) {
        String prefix = activeKeyId + ":";
        return list("secretCiphertext not like ?1", prefix.replace("%", "\\%") + "%");
    }
}
