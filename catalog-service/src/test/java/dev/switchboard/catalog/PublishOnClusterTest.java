package dev.switchboard.catalog;

import dev.switchboard.contracts.testing.ClusterNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * {@link PublishTest} on a one-node Redis Cluster ({@link ClusterNode}): the compare-and-set publish writes the
 * snapshot and its version in one script, so both keys must share a hash slot.
 */
@QuarkusTest
@TestProfile(PublishOnClusterTest.OnCluster.class)
class PublishOnClusterTest extends PublishTest {

    public static class OnCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", ClusterNode.url());
        }
    }
}
