package dev.switchboard.relay.limits;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link LimitServiceTest} on a one-node Redis Cluster: every admission path of the limit service, with every script in one hash slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class LimitServiceOnClusterTest extends LimitServiceTest {
}
