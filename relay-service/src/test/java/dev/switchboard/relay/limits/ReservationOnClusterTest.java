package dev.switchboard.relay.limits;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ReservationTest} on a one-node Redis Cluster: reservations against a balance and a group budget, with every script in one hash slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ReservationOnClusterTest extends ReservationTest {
}
