package dev.switchboard.auth.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class GroupRepository implements PanacheRepository<GroupEntity> {

    public Optional<GroupEntity> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public long countFallingBackTo(long groupId) {
        return count("fallbackGroupId", groupId);
    }
}
