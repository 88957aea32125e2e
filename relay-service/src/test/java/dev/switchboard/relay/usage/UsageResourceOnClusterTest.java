package dev.switchboard.relay.usage;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link UsageResourceTest} on a one-node Redis Cluster: what GET /v1/usage reads, with every script in one hash slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class UsageResourceOnClusterTest extends UsageResourceTest {
}
