package dev.switchboard.relay.support;

import dev.switchboard.contracts.testing.ClusterNode;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The relay on a one-node Redis Cluster ({@link ClusterNode}): every script and multi-key command whose keys span
 * hash slots fails there as it would on a real cluster, so a test class run under this profile proves the relay's
 * Redis use is cluster-ready (docs/architecture.md, "Redis Cluster").
 */
public class ClusterProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.redis.hosts", ClusterNode.url());
    }
}
