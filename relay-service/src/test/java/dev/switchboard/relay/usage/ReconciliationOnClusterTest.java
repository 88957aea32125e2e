package dev.switchboard.relay.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.relay.support.ClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconciliationTest} on a one-node Redis Cluster: the relay's side of reconciliation (JSON, streams, failovers
 * with their cooldowns, cancels), with every script in one hash slot.
 */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ReconciliationOnClusterTest extends ReconciliationTest {

    @Test
    void theRelaysRedisIsAClusterNodeThatRefusesAScriptSpanningSlots() {
        assertThat(redis.execute("CLUSTER", "INFO").toString()).contains("cluster_state:ok");
        assertThatThrownBy(() -> redis.execute("EVAL", "return 1", "2", RedisKeys.userSpend(1), RedisKeys.userSpend(2)))
                .hasMessageContaining("CROSSSLOT");
        assertThat(redis.execute("EVAL", "return 1", "2", RedisKeys.userSpend(1), RedisKeys.concurrency(1)).toInteger()).isEqualTo(1);
    }
}
