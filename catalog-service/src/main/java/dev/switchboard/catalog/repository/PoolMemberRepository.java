package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.PoolMember;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class PoolMemberRepository implements PanacheRepository<PoolMember> {

    public long deleteByPool(long poolId) {
        return delete("poolId", poolId);
    }
}
