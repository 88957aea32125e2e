package dev.switchboard.relay.failover;

import static dev.switchboard.relay.failover.CooldownFixtures.await;
import static dev.switchboard.relay.failover.CooldownFixtures.keyModelScope;
import static dev.switchboard.relay.failover.CooldownFixtures.rateLimited;
import static dev.switchboard.relay.failover.CooldownFixtures.replica;
import static dev.switchboard.relay.failover.CooldownFixtures.uniqueCandidate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.store.CooldownStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas in one JVM, each with its own near-cache and its own sb:cd:events subscription. Their
 * backstop runs once an hour, so anything one learns from the other within the bounded waits came through
 * pub/sub; the backstop test builds a third replica with a short period.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcTestServer.class, restrictToAnnotatedClass = true)
class CooldownServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration NO_BACKSTOP = Duration.ofHours(1);

    @Inject
    CooldownStore store;

    @Inject
    RedisDataSource redis;

    @Inject
    Vertx vertx;

    private CooldownService a;
    private CooldownService b;
    private final List<CooldownService> extra = new ArrayList<>();

    @BeforeEach
    void startReplicas() {
        a = replica(store, vertx, "replica-a", NO_BACKSTOP);
        b = replica(store, vertx, "replica-b", NO_BACKSTOP);
    }

    @AfterEach
    void stopReplicas() {
        a.stop();
        b.stop();
        extra.forEach(CooldownService::stop);
    }

    /** A 1 s cooldown set by replica-a, known to both replicas and to Redis, then expired (half-open). */
    private void coolBrieflyUntilHalfOpen(Candidate c, String scope) {
        a.onFailure(c, rateLimited(Duration.ofSeconds(1)));
        await(() -> b.get(scope) != null, WAIT, "replica-b learns the cooldown");
        await(() -> !a.get(scope).activeAt(System.currentTimeMillis()) && inRedis(scope) != null, WAIT,
                "the cooldown expires into half-open");
    }

    private CooldownState inRedis(String scope) {
        return store.get(scope).await().atMost(WAIT);
    }

    @Test
    void aRateLimitOnOneReplicaMakesTheOtherSkipTheScope() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);

        a.onFailure(c, rateLimited(Duration.ofSeconds(30)));

        CooldownState local = a.get(scope);
        assertThat(local).isNotNull();
        assertThat(local.activeAt(System.currentTimeMillis())).isTrue();
        assertThat(local.replica()).isEqualTo("replica-a");
        await(() -> b.get(scope) != null, WAIT, "replica-b learns the cooldown from sb:cd:events");
        assertThat(b.get(scope).untilEpochMs()).isEqualTo(local.untilEpochMs());
        assertThat(b.get(scope).rateLimited()).isTrue();
        assertThat(b.active()).extracting(CooldownState::scope).contains(scope);
        await(() -> inRedis(scope) != null, WAIT, "cooldown written to Redis");
        assertThat(inRedis(scope).untilEpochMs()).isEqualTo(local.untilEpochMs());
    }

    @Test
    void aShorterLaterCooldownNeverShortensALongerOne() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        a.onFailure(c, rateLimited(Duration.ofSeconds(120)));
        long longUntil = a.get(scope).untilEpochMs();
        await(() -> b.get(scope) != null, WAIT, "replica-b learns the long cooldown");

        b.onFailure(c, rateLimited(Duration.ofSeconds(2)));
        a.onFailure(c, rateLimited(Duration.ofSeconds(2)));

        assertThat(a.get(scope).untilEpochMs()).isEqualTo(longUntil);
        assertThat(b.get(scope).untilEpochMs()).isEqualTo(longUntil);
        await(() -> inRedis(scope) != null, WAIT, "cooldown written to Redis");
        assertThat(inRedis(scope).untilEpochMs()).isEqualTo(longUntil);
    }

    @Test
    void aReplicaThatMissedALongerCooldownAdoptsItInsteadOfShorteningIt() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        long longUntil = System.currentTimeMillis() + 300_000;
        // Set by a replica whose message never arrived: replica-a does not know it.
        redis.value(String.class).psetex(RedisKeys.cooldown(scope), 600_000,
                store.toJson(new CooldownState(scope, longUntil, "quota_exhausted", 1, "replica-gone", false)));
        redis.sortedSet(String.class).zadd(RedisKeys.COOLDOWN_INDEX, longUntil, scope);
        assertThat(a.get(scope)).isNull();

        a.onFailure(c, rateLimited(Duration.ofSeconds(2)));

        await(() -> a.get(scope).untilEpochMs() == longUntil, WAIT, "replica-a adopts the longer stored cooldown");
        assertThat(a.get(scope).reason()).isEqualTo("quota_exhausted");
        assertThat(inRedis(scope).untilEpochMs()).isEqualTo(longUntil);
    }

    @Test
    void aLongerCooldownFromTheOtherReplicaExtendsTheNearCache() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        a.onFailure(c, rateLimited(Duration.ofSeconds(5)));
        await(() -> b.get(scope) != null, WAIT, "replica-b learns the short cooldown");

        b.onFailure(c, rateLimited(Duration.ofSeconds(300)));
        long longUntil = b.get(scope).untilEpochMs();

        await(() -> a.get(scope).untilEpochMs() == longUntil, WAIT, "replica-a adopts the extension");
        await(() -> inRedis(scope).untilEpochMs() == longUntil, WAIT, "Redis holds the extension");
        assertThat(inRedis(scope).strikes()).isEqualTo(2);
    }

    @Test
    void theBackstopHealsALostMessageAndDropsWhatRedisNoLongerHas() {
        CooldownService healed = replica(store, vertx, "replica-c", Duration.ofMillis(300));
        extra.add(healed);
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        long until = System.currentTimeMillis() + 60_000;
        CooldownState lost = new CooldownState(scope, until, "rate_limited", 1, "replica-gone", true);

        // Written the way the store writes it, but without the PUBLISH: the message is "lost".
        redis.value(String.class).psetex(RedisKeys.cooldown(scope), 120_000, store.toJson(lost));
        redis.sortedSet(String.class).zadd(RedisKeys.COOLDOWN_INDEX, until, scope);

        await(() -> healed.get(scope) != null, WAIT, "the backstop finds the unannounced cooldown");
        assertThat(healed.get(scope).untilEpochMs()).isEqualTo(until);
        assertThat(a.get(scope)).as("no backstop, no message: replica-a cannot know").isNull();

        redis.key().del(RedisKeys.cooldown(scope));
        await(() -> healed.get(scope) == null, WAIT, "the backstop drops a cooldown gone from Redis");
    }

    @Test
    void onlyOneReplicaWinsTheHalfOpenProbe() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        coolBrieflyUntilHalfOpen(c, scope);

        List<Uni<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            attempts.add((i % 2 == 0 ? a : b).tryAcquireProbe(scope));
        }
        List<Boolean> won = Uni.join().all(attempts).andFailFast().await().atMost(WAIT);

        assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
    }

    @Test
    void aFailedProbeCoolsLongerAndKeepsOtherReplicasOut() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        coolBrieflyUntilHalfOpen(c, scope);
        assertThat(a.tryAcquireProbe(scope).await().atMost(WAIT)).isTrue();
        assertThat(b.tryAcquireProbe(scope).await().atMost(WAIT)).isFalse();

        long firstUntil = a.get(scope).untilEpochMs();

        a.onFailure(c.withProbeScope(scope), rateLimited(Duration.ofSeconds(30)));

        CooldownState after = a.get(scope);
        assertThat(after.strikes()).isEqualTo(2);
        assertThat(after.untilEpochMs()).isGreaterThan(firstUntil + 20_000);
        await(() -> b.get(scope).strikes() == 2, WAIT, "replica-b learns the longer cooldown");
        await(() -> !redis.key().exists(RedisKeys.cooldownProbe(scope)), WAIT, "the probe lock is gone");
        assertThat(b.tryAcquireProbe(scope).await().atMost(WAIT)).as("cooling again: no probe").isFalse();
    }

    @Test
    void aSuccessfulProbeClearsTheScopeOnEveryReplica() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        coolBrieflyUntilHalfOpen(c, scope);
        assertThat(b.tryAcquireProbe(scope).await().atMost(WAIT)).isTrue();

        b.onSuccess(c.withProbeScope(scope));

        assertThat(b.get(scope)).isNull();
        await(() -> a.get(scope) == null, WAIT, "replica-a drops the cleared scope");
        await(() -> inRedis(scope) == null, WAIT, "Redis drops the cleared scope");
        assertThat(redis.key().exists(RedisKeys.cooldownProbe(scope))).isFalse();
    }

    @Test
    void aSuccessLeavesACooldownSetByARacingFailureAlone() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        a.onFailure(c, rateLimited(Duration.ofSeconds(30)));

        a.onSuccess(c);

        assertThat(a.get(scope)).isNotNull();
        await(() -> inRedis(scope) != null, WAIT, "cooldown written to Redis");
    }

    @Test
    void clearRemovesTheCooldownEverywhere() {
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);
        a.onFailure(c, rateLimited(Duration.ofSeconds(300)));
        await(() -> b.get(scope) != null, WAIT, "replica-b learns the cooldown");
        await(() -> inRedis(scope) != null, WAIT, "cooldown written to Redis");

        assertThat(b.clear(scope).await().atMost(WAIT)).isTrue();

        assertThat(b.get(scope)).isNull();
        assertThat(inRedis(scope)).isNull();
        await(() -> a.get(scope) == null, WAIT, "replica-a drops the cleared scope");
        assertThat(b.clear(scope).await().atMost(WAIT)).as("nothing left to clear").isFalse();
    }

    @Test
    void countsCooldownsSetAndActiveAndProbes() {
        MeterRegistry meters = new SimpleMeterRegistry();
        CooldownService counted = new CooldownService(store, CooldownFixtures.config(NO_BACKSTOP),
                CooldownFixtures.policy(), meters, vertx, "replica-m");
        extra.add(counted);
        counted.start().await().atMost(WAIT);
        double before = meters.get("switchboard.cooldowns.active").gauge().value(); // what Redis already holds
        Candidate c = uniqueCandidate();
        String scope = keyModelScope(c);

        counted.onFailure(c, rateLimited(Duration.ofSeconds(60)));
        await(() -> inRedis(scope) != null, WAIT, "cooldown written to Redis");
        counted.tryAcquireProbe(scope).await().atMost(WAIT);

        assertThat(meters.get("switchboard.cooldowns.set").tags("scope_kind", "key_model", "reason", "rate_limited")
                .counter().count()).isEqualTo(1.0);
        assertThat(meters.get("switchboard.cooldowns.active").gauge().value()).isEqualTo(before + 1);
        assertThat(meters.get("switchboard.probes").tags("outcome", "busy").counter().count())
                .as("cooling, not half-open: the lock is refused").isEqualTo(1.0);

        counted.stop();
        assertThat(meters.find("switchboard.cooldowns.active").gauge()).as("a stopped service is not counted").isNull();
    }
}
