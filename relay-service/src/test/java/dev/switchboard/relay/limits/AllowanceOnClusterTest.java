package dev.switchboard.relay.limits;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link AllowanceTest} on a one-node Redis Cluster: blocks of local allowances: grants, give-backs, returns, with every script in one hash slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class AllowanceOnClusterTest extends AllowanceTest {
}
