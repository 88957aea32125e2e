package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.ClusterMember;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ClusterMemberRepository implements PanacheRepository<ClusterMember> {

    public long deleteByCluster(long clusterId) {
        return delete("clusterId", clusterId);
    }
}
