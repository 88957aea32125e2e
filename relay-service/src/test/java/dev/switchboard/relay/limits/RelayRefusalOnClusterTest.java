package dev.switchboard.relay.limits;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RelayRefusalTest} on a one-node Redis Cluster: refusals and the fallback group chain through the relay, with every script in one hash slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class RelayRefusalOnClusterTest extends RelayRefusalTest {
}
