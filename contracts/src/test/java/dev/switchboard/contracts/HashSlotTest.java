package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.testing.ClusterNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys that one script touches together must share a Redis Cluster hash slot. */
class HashSlotTest {

    @Test
    void slotsAreRedisClusterSlots() {
        // values of CLUSTER KEYSLOT on a Redis 7 cluster node
        assertThat(RedisKeys.slot("foo")).isEqualTo(12182);
        assertThat(RedisKeys.slot("123456789")).isEqualTo(0x31C3 & 16383);
        assertThat(RedisKeys.slot("{user1000}.following")).isEqualTo(RedisKeys.slot("{user1000}.followers"));
        assertThat(RedisKeys.slot("foo{}{bar}")).isEqualTo(RedisKeys.slot("foo{}{bar}")).isNotEqualTo(RedisKeys.slot("bar"));
        assertThat(RedisKeys.slot("foo{{bar}}zap")).isEqualTo(RedisKeys.slot("{bar"));
        assertThat(RedisKeys.slot("foo{bar}{zap}")).isEqualTo(RedisKeys.slot("bar"));
    }

    @Test
    void slotAgreesWithARealClusterNode() {
        ClusterNode.start();
        for (String key : List.of("foo", "sb:{u7}:conc", RedisKeys.groupSpend(123456, "day:2026-12-04"), RedisKeys.USAGE_STREAM,
                RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, "r:1"), RedisKeys.CATALOG_SNAPSHOT, RedisKeys.cooldown("key:9"),
                RedisKeys.authKey("0f".repeat(32)), "caf\u00e9{}", "{}x", "a{b}c{d}")) {
            assertThat(RedisKeys.slot(key)).as(key).isEqualTo(Integer.parseInt(ClusterNode.cli("CLUSTER", "KEYSLOT", key)));
        }
    }

    @Test
    void aUsersKeysAndItsTenantKeysShareOneSlot() {
        int slot = RedisKeys.slot(RedisKeys.concurrency(7));
        assertThat(List.of(RedisKeys.userSpend(7), RedisKeys.userPeriodSpend(7, "day:2026-12-04"),
                RedisKeys.userReservations(7), RedisKeys.reservationTotal(RedisKeys.userReservations(7)),
                RedisKeys.rateWindow(7, 99) + ":w:1", RedisKeys.minuteRequests(7, 99, 5),
                RedisKeys.batchMarker(RedisKeys.userSpend(7), "b")))
                .allMatch(k -> RedisKeys.slot(k) == slot);
        assertThat(RedisKeys.slot(RedisKeys.concurrency(8))).isNotEqualTo(slot);
    }

    @Test
    void aGroupsKeysShareOneSlot() {
        int slot = RedisKeys.slot(RedisKeys.groupReservations(3));
        assertThat(List.of(RedisKeys.reservationTotal(RedisKeys.groupReservations(3)), RedisKeys.groupSpend(3, "day:2026-12-04"),
                RedisKeys.groupSpend(3, "month:2026-12"), RedisKeys.batchMarker(RedisKeys.groupSpend(3, "x"), "b")))
                .allMatch(k -> RedisKeys.slot(k) == slot);
    }

    @Test
    void theCatalogTheCooldownsAndTheStreamEachShareOneSlotWithWhatTheirScriptsTouch() {
        assertThat(RedisKeys.slot(RedisKeys.CATALOG_SNAPSHOT)).isEqualTo(RedisKeys.slot(RedisKeys.CATALOG_VERSION));
        int cd = RedisKeys.slot(RedisKeys.COOLDOWN_INDEX);
        assertThat(List.of(RedisKeys.cooldown("key:1"), RedisKeys.cooldownProbe("key:1"), RedisKeys.cooldown("provider:2")))
                .allMatch(k -> RedisKeys.slot(k) == cd);
        assertThat(RedisKeys.slot(RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, "r1:5"))).isEqualTo(RedisKeys.slot(RedisKeys.USAGE_STREAM));
    }
}
