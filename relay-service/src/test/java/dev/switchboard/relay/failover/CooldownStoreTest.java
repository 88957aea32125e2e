package dev.switchboard.relay.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.store.CooldownStore;
import dev.switchboard.relay.store.CooldownStore.ClearResult;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = OidcTestServer.class, restrictToAnnotatedClass = true)
class CooldownStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    CooldownStore store;

    @Inject
    RedisDataSource redis;

    private static String scope() {
        return "key_model:" + System.nanoTime() + ":store-test-" + UUID.randomUUID();
    }

    private static CooldownState state(String scope, long until, int strikes, String replica) {
        return new CooldownState(scope, until, "rate_limited", strikes, replica, true);
    }

    @Test
    void keepsTheLongerDeadlineWhenAShorterCooldownArrivesLater() {
        String scope = scope();
        long now = System.currentTimeMillis();
        CooldownStore.Extension first = store.extend(state(scope, now + 60_000, 1, "r1"), Duration.ofMinutes(2))
                .await().atMost(WAIT);
        CooldownStore.Extension second = store.extend(state(scope, now + 5_000, 2, "r2"), Duration.ofMinutes(1))
                .await().atMost(WAIT);

        assertThat(first.written()).isTrue();
        assertThat(second.written()).isFalse();
        assertThat(second.stored().untilEpochMs()).isEqualTo(now + 60_000);
        CooldownState stored = store.get(scope).await().atMost(WAIT);
        assertThat(stored.untilEpochMs()).isEqualTo(now + 60_000);
        assertThat(stored.replica()).isEqualTo("r1");
        assertThat(redis.sortedSet(String.class).zscore(RedisKeys.COOLDOWN_INDEX, scope)).hasValue(now + 60_000d);
    }

    @Test
    void extendsALaterDeadlineWithoutLoweringStrikes() {
        String scope = scope();
        long now = System.currentTimeMillis();
        store.extend(state(scope, now + 10_000, 3, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);
        CooldownStore.Extension later = store.extend(state(scope, now + 20_000, 1, "r2"), Duration.ofMinutes(1))
                .await().atMost(WAIT);

        assertThat(later.written()).isTrue();
        CooldownState stored = store.get(scope).await().atMost(WAIT);
        assertThat(stored.untilEpochMs()).isEqualTo(now + 20_000);
        assertThat(stored.strikes()).isEqualTo(3);
        assertThat(stored.replica()).isEqualTo("r2");
    }

    @Test
    void keepsTheEntryInRedisPastItsDeadlineForTheHalfOpenState() {
        String scope = scope();
        long now = System.currentTimeMillis();
        store.extend(state(scope, now + 2_000, 1, "r1"), Duration.ofMillis(62_000)).await().atMost(WAIT);

        long pttl = redis.key().pttl(RedisKeys.cooldown(scope));
        assertThat(pttl).isGreaterThan(30_000);
    }

    @Test
    void onlyOneOfManyConcurrentProbeAcquisitionsWins() {
        String scope = scope();
        long now = System.currentTimeMillis();
        store.extend(state(scope, now - 1_000, 1, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);

        List<Uni<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            attempts.add(store.tryAcquireProbe(scope, "replica-" + i, Duration.ofSeconds(30)));
        }
        List<Boolean> results = Uni.join().all(attempts).andFailFast().await().atMost(WAIT);

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
        int winner = results.indexOf(true);
        assertThat(redis.value(String.class).get(RedisKeys.cooldownProbe(scope))).isEqualTo("replica-" + winner);
    }

    @Test
    void refusesTheProbeWhileTheScopeIsCoolingAgain() {
        String scope = scope();
        store.extend(state(scope, System.currentTimeMillis() + 30_000, 2, "r1"), Duration.ofMinutes(1))
                .await().atMost(WAIT);

        assertThat(store.tryAcquireProbe(scope, "r2", Duration.ofSeconds(30)).await().atMost(WAIT)).isFalse();
        assertThat(redis.key().exists(RedisKeys.cooldownProbe(scope))).isFalse();
    }

    @Test
    void aNewCooldownEndsTheProbeAndOnlyTheHolderReleasesIt() {
        String scope = scope();
        long now = System.currentTimeMillis();
        store.extend(state(scope, now - 1_000, 1, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);
        assertThat(store.tryAcquireProbe(scope, "r1", Duration.ofSeconds(30)).await().atMost(WAIT)).isTrue();
        assertThat(store.releaseProbe(scope, "someone-else").await().atMost(WAIT)).isFalse();
        assertThat(redis.key().exists(RedisKeys.cooldownProbe(scope))).isTrue();

        store.extend(state(scope, now + 30_000, 2, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);

        assertThat(redis.key().exists(RedisKeys.cooldownProbe(scope))).isFalse();
    }

    @Test
    void clearRemovesEntryIndexMemberAndProbeLock() {
        String scope = scope();
        long now = System.currentTimeMillis();
        store.extend(state(scope, now - 1_000, 1, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);
        store.tryAcquireProbe(scope, "r1", Duration.ofSeconds(30)).await().atMost(WAIT);

        assertThat(store.clear(scope, "r1").await().atMost(WAIT)).isEqualTo(ClearResult.CLEARED);

        assertThat(redis.key().exists(RedisKeys.cooldown(scope), RedisKeys.cooldownProbe(scope))).isZero();
        assertThat(redis.sortedSet(String.class).zscore(RedisKeys.COOLDOWN_INDEX, scope)).isEmpty();
        assertThat(store.clear(scope, "r1").await().atMost(WAIT)).isEqualTo(ClearResult.ABSENT);
    }

    @Test
    void aSuccessDoesNotClearACooldownExtendedMeanwhile() {
        String scope = scope();
        long now = System.currentTimeMillis();
        long seen = now - 1_000;
        store.extend(state(scope, now + 30_000, 2, "r2"), Duration.ofMinutes(1)).await().atMost(WAIT);

        assertThat(store.clearIfNotAfter(scope, seen, "r1").await().atMost(WAIT)).isEqualTo(ClearResult.KEPT);
        assertThat(store.get(scope).await().atMost(WAIT).untilEpochMs()).isEqualTo(now + 30_000);
    }

    @Test
    void listSkipsAndUnindexesEntriesThatExpired() {
        String live = scope();
        String gone = scope();
        long now = System.currentTimeMillis();
        store.extend(state(live, now + 30_000, 1, "r1"), Duration.ofMinutes(1)).await().atMost(WAIT);
        redis.sortedSet(String.class).zadd(RedisKeys.COOLDOWN_INDEX, now + 1_000d, gone);

        List<CooldownState> all = store.list().await().atMost(WAIT);

        assertThat(all).extracting(CooldownState::scope).contains(live).doesNotContain(gone);
        assertThat(redis.sortedSet(String.class).zscore(RedisKeys.COOLDOWN_INDEX, gone)).isEmpty();
        store.clear(live, "r1").await().atMost(WAIT);
    }
}
