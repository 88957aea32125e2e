package dev.switchboard.auth;

import dev.switchboard.contracts.testing.ClusterNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * {@link LedgerTest} on a one-node Redis Cluster ({@link ClusterNode}): the ledger's stream reads, settles and
 * snapshot writes each stay in one hash slot, as the relay's side does.
 */
@QuarkusTest
@TestProfile(LedgerOnClusterTest.OnCluster.class)
class LedgerOnClusterTest extends LedgerTest {

    public static class OnCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", ClusterNode.url());
        }
    }
}
