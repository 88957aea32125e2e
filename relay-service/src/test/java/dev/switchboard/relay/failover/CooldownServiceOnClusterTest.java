package dev.switchboard.relay.failover;

import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link CooldownServiceTest} on a one-node Redis Cluster: every cooldown script keeps its entry, index and probe in one slot. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
@QuarkusTestResource(value = OidcTestServer.class, restrictToAnnotatedClass = true)
class CooldownServiceOnClusterTest extends CooldownServiceTest {
}
