package dev.switchboard.relay.limits;

import dev.switchboard.relay.support.Management;
import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static dev.switchboard.relay.limits.LimitFixtures.unlimitedGroup;
import static dev.switchboard.relay.limits.LimitFixtures.usd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.store.LimitStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LimitServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    LimitService limits;
    @Inject
    LimitStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry registry;

    private Admission admit(ApiKeySnapshot key) {
        return limits.admit(key, UUID.randomUUID().toString()).await().atMost(WAIT);
    }

    private long zcard(String key) {
        return redis.sortedSet(String.class).zcard(key);
    }

    /** Requests counted in the key's current and previous rate buckets (what admissions have added). */
    private long windowCount(ApiKeySnapshot key) {
        long bucket = System.currentTimeMillis() / 60_000;
        long total = 0;
        for (long b = bucket - 2; b <= bucket; b++) {
            Long v = redis.value(Long.class).get(LimitStore.rateBucket(key.userId(), key.apiKeyId(), b));
            total += v == null ? 0 : v;
        }
        return total;
    }

    private void spend(GroupSnapshot g, SpendPeriod p, String usd) {
        redis.value(Long.class).setex(RedisKeys.groupSpend(g.id(), p.id(Instant.now())), 3600, SpendPeriod.micros(usd(usd)));
    }

    private double refusals(String code) {
        Counter c = registry.find("switchboard.limit.refusals").tag("code", code).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void keyWithoutLimitsCostsNoRedisRoundTrip() {
        ApiKeySnapshot key = key(null, null, null, unlimitedGroup());
        long before = store.roundTrips();
        for (int i = 0; i < 20; i++) {
            Admission a = admit(key);
            assertThat(a.allowed()).isTrue();
            assertThat(a.group()).isEqualTo(key.group());
            a.lease().release();
        }
        assertThat(store.roundTrips()).isEqualTo(before);
    }

    @Test
    void limitedKeyCostsExactlyOneRoundTrip() {
        ApiKeySnapshot key = key(100, 10, usd("5"), group(usd("10"), usd("20"), usd("30")), group(usd("10"), null, null));
        admit(key).lease().release(); // the first call may load the script
        awaitZcard(RedisKeys.concurrency(key.userId()), 0); // and its release has gone out
        long before = store.roundTrips();
        Admission a = admit(key);
        assertThat(store.roundTrips() - before).isEqualTo(1);
        a.lease().release();
    }

    @Test
    void refusesOverRpmWithRetryAfterAndRefusedRequestsTakeNoSlot() {
        ApiKeySnapshot key = key(3, null, null, unlimitedGroup());
        double before = refusals(Refusal.RATE_LIMIT);
        for (int i = 0; i < 3; i++) {
            assertThat(admit(key).allowed()).isTrue();
        }
        for (int i = 0; i < 3; i++) {
            Admission refused = admit(key);
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.lease()).isNull();
            assertThat(refused.refusal().status()).isEqualTo(429);
            assertThat(refused.refusal().code()).isEqualTo("rate_limit_exceeded");
            // 3 of 3 in this minute: room once 3 * (1 - f) + 1 <= 3 next minute, i.e. 20 s into it
            assertThat(refused.refusal().retryAfterSeconds()).isBetween(20L, 80L);
        }
        assertThat(windowCount(key)).isEqualTo(3);
        assertThat(refusals(Refusal.RATE_LIMIT) - before).isEqualTo(3.0);
        Management.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("switchboard_limit_refusals_total{code=\"rate_limit_exceeded\""));
    }

    /**
     * Sliding-window counter on an explicit clock: the previous minute's count weighs less as the
     * current minute goes on, refusals count nothing, and Retry-After is when the estimate has room again.
     */
    @Test
    void rateWindowSlidesWithTheEstimateAndRetryAfterIsWhenItHasRoom() {
        long minute = System.currentTimeMillis() / 60_000 * 60_000;
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(minute);
        LimitService service = new LimitService(store, LimitFixtures.Config.defaults(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null, now::get);
        ApiKeySnapshot key = key(4, null, null, unlimitedGroup());
        java.util.function.Supplier<Admission> admit = () -> service.admit(key, "slide").await().atMost(WAIT);
        for (int i = 0; i < 4; i++) {
            assertThat(admit.get().allowed()).isTrue();
        }
        Admission refused = admit.get();
        assertThat(refused.refusal().code()).isEqualTo("rate_limit_exceeded");
        // 4 in this minute: next minute at 15 s the estimate is 4 * 0.75 = 3, room for one
        assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(75L);
        assertThat(admit.get().allowed()).isFalse();
        assertThat(redis.value(Long.class).get(LimitStore.rateBucket(key.userId(), key.apiKeyId(), minute / 60_000))).isEqualTo(4L);

        now.set(minute + 60_000 + 15_000); // estimate 4 * 0.75 + 0 = 3
        assertThat(admit.get().allowed()).isTrue();
        refused = admit.get(); // estimate 3 + 1 = 4: full; at 30 s it is 4 * 0.5 + 1 = 3
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(15L);

        now.set(minute + 60_000 + 30_001); // estimate just under 3
        assertThat(admit.get().allowed()).isTrue();
        assertThat(admit.get().allowed()).isFalse();

        now.set(minute + 120_000); // the first minute has left the window; the second (2 requests) weighs fully
        assertThat(admit.get().allowed()).isTrue();
        assertThat(admit.get().allowed()).isTrue();
        assertThat(admit.get().refusal().code()).isEqualTo("rate_limit_exceeded");
        assertThat(redis.value(Long.class).get(LimitStore.rateBucket(key.userId(), key.apiKeyId(), minute / 60_000 + 1))).isEqualTo(2L);
        assertThat(redis.value(Long.class).get(LimitStore.rateBucket(key.userId(), key.apiKeyId(), minute / 60_000 + 2))).isEqualTo(2L);
        long ttl = redis.key().pttl(LimitStore.rateBucket(key.userId(), key.apiKeyId(), minute / 60_000 + 1));
        assertThat(ttl).as("a bucket outlives the next window, then expires").isBetween(1L, 120_000L);
    }

    @Test
    void retryAfterArithmetic() {
        // previous 10 evenly spread, 0 now, limit 6, at 0 s: estimate 10; room when 10 * (1 - f) <= 5, f = 0.5
        assertThat(LimitStore.rateRetryAfterMs(10, 0, 6, 0, 60_000)).isEqualTo(30_000);
        // current already at the limit: wait for the next bucket, then until 6 * (1 - f) <= 5
        assertThat(LimitStore.rateRetryAfterMs(0, 6, 6, 20_000, 60_000)).isEqualTo(40_000 + 10_000);
        assertThat(LimitStore.rateRetryAfterMs(0, 1, 1, 59_999, 60_000)).isEqualTo(60_001);
        assertThat(LimitStore.rateEstimate(10, 2, 45_000, 60_000)).isEqualTo(4.5);
    }

    @Test
    void refusesOverConcurrencyUntilALeaseIsReleased() {
        ApiKeySnapshot key = key(null, 2, null, unlimitedGroup());
        String leases = RedisKeys.concurrency(key.userId());
        Admission first = admit(key);
        Admission second = admit(key);
        assertThat(first.allowed()).isTrue();
        assertThat(second.allowed()).isTrue();
        Admission third = admit(key);
        assertThat(third.allowed()).isFalse();
        assertThat(third.refusal().status()).isEqualTo(429);
        assertThat(third.refusal().code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(third.refusal().retryAfterSeconds()).isEqualTo(1L);
        assertThat(zcard(leases)).isEqualTo(2);

        first.lease().release();
        first.lease().release(); // idempotent: must not free the other slot
        awaitZcard(leases, 1);
        Admission fourth = admit(key);
        assertThat(fourth.allowed()).isTrue();
        assertThat(admit(key).allowed()).isFalse();
        second.lease().release();
        fourth.lease().release();
        awaitZcard(leases, 0);
    }

    @Test
    void requestRefusedForConcurrencyDoesNotCountAgainstRpm() {
        ApiKeySnapshot key = key(5, 1, null, unlimitedGroup());
        Admission held = admit(key);
        for (int i = 0; i < 4; i++) {
            assertThat(admit(key).refusal().code()).isEqualTo("concurrency_limit_exceeded");
        }
        assertThat(windowCount(key)).isEqualTo(1);
        held.lease().release();
    }

    @Test
    void sameUserSharesConcurrencyAcrossKeys() {
        ApiKeySnapshot a = key(null, 1, null, unlimitedGroup());
        ApiKeySnapshot b = new ApiKeySnapshot(a.v(), a.version(), LimitFixtures.id(), "other", a.keyPrefix(), a.userId(), a.groupId(),
                a.status(), null, List.of(), List.of(), null, a.user(), a.group(), List.of());
        Admission held = admit(a);
        assertThat(admit(b).refusal().code()).isEqualTo("concurrency_limit_exceeded");
        held.lease().release();
    }

    @Test
    void refusesWhenDailyBudgetIsSpentWithRetryAfterUntilMidnight() {
        GroupSnapshot g = group(usd("1.00"), null, null);
        ApiKeySnapshot key = key(null, null, null, g);
        spend(g, SpendPeriod.DAY, "0.999999");
        Admission ok = admit(key);
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.group().id()).isEqualTo(g.id());

        spend(g, SpendPeriod.DAY, "1.00");
        Admission refused = admit(key);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().status()).isEqualTo(429);
        assertThat(refused.refusal().code()).isEqualTo("budget_exceeded");
        assertThat(refused.refusal().message()).contains("daily");
        long toMidnight = Duration.between(Instant.now(), SpendPeriod.DAY.end(Instant.now())).toSeconds();
        assertThat(refused.refusal().retryAfterSeconds()).isBetween(Math.max(1, toMidnight - 5), toMidnight + 2);
    }

    @Test
    void weeklyAndMonthlyBudgetsAreEnforced() {
        GroupSnapshot weekly = group(null, usd("2"), null);
        spend(weekly, SpendPeriod.WEEK, "2.5");
        assertThat(admit(key(null, null, null, weekly)).refusal().code()).isEqualTo("budget_exceeded");

        GroupSnapshot monthly = group(usd("100"), usd("100"), usd("3"));
        spend(monthly, SpendPeriod.MONTH, "3");
        Admission refused = admit(key(null, null, null, monthly));
        assertThat(refused.refusal().code()).isEqualTo("budget_exceeded");
        assertThat(refused.refusal().message()).contains("monthly").doesNotContain("daily");
        long toMonthEnd = Duration.between(Instant.now(), SpendPeriod.MONTH.end(Instant.now())).toSeconds();
        assertThat(refused.refusal().retryAfterSeconds()).isBetween(Math.max(1, toMonthEnd - 5), toMonthEnd + 2);
    }

    @Test
    void fallbackGroupsServeInChainOrder() {
        GroupSnapshot a = group(usd("1"), null, null);
        GroupSnapshot b = group(usd("1"), null, null);
        GroupSnapshot c = group(null, usd("1"), null);
        ApiKeySnapshot key = key(null, null, null, a, b, c);

        assertThat(admit(key).group().id()).as("A has budget left").isEqualTo(a.id());
        spend(a, SpendPeriod.DAY, "1");
        assertThat(admit(key).group().id()).as("A over → B").isEqualTo(b.id());
        spend(b, SpendPeriod.DAY, "5");
        assertThat(admit(key).group().id()).as("A, B over → C").isEqualTo(c.id());
        spend(c, SpendPeriod.WEEK, "1");
        Admission refused = admit(key);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().code()).isEqualTo("budget_exceeded");
        assertThat(refused.group().id()).isEqualTo(a.id());
        // A and B are free again at midnight, C only next week: the earliest wins
        long toMidnight = Duration.between(Instant.now(), SpendPeriod.DAY.end(Instant.now())).toSeconds();
        assertThat(refused.refusal().retryAfterSeconds()).isBetween(Math.max(1, toMidnight - 5), toMidnight + 2);
    }

    @Test
    void unlimitedFallbackGroupAlwaysServesAndDisabledFallbackIsSkipped() {
        GroupSnapshot a = group(usd("1"), null, null);
        GroupSnapshot disabled = new GroupSnapshot(LimitFixtures.id(), "off", "any", "disabled", "standard", BigDecimal.ONE,
                null, null, null, List.of(), null, null, false, 1);
        GroupSnapshot unlimited = unlimitedGroup();
        ApiKeySnapshot key = key(null, null, null, a, disabled, unlimited);
        spend(a, SpendPeriod.DAY, "2");
        assertThat(admit(key).group().id()).isEqualTo(unlimited.id());
    }

    @Test
    void rpmAndConcurrencyDoNotFallBack() {
        GroupSnapshot a = group(usd("1"), null, null);
        ApiKeySnapshot key = key(1, null, null, a, unlimitedGroup());
        spend(a, SpendPeriod.DAY, "2");
        assertThat(admit(key).allowed()).isTrue();
        assertThat(admit(key).refusal().code()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void refusesWith402WhenUnsettledSpendReachesBalance() {
        ApiKeySnapshot key = key(null, null, usd("0.50"), unlimitedGroup());
        String unsettled = RedisKeys.userSpend(key.userId());
        redis.hash(Long.class).hset(unsettled, LimitStore.UNSETTLED_TOTAL, 400_000L);
        redis.key().expire(unsettled, 3600);
        assertThat(admit(key).allowed()).isTrue();

        redis.hash(Long.class).hset(unsettled, LimitStore.UNSETTLED_TOTAL, 500_000L);
        double before = refusals(Refusal.BALANCE);
        Admission refused = admit(key);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().status()).isEqualTo(402);
        assertThat(refused.refusal().code()).isEqualTo("insufficient_balance");
        assertThat(refused.refusal().retryAfterSeconds()).isNull();
        assertThat(refusals(Refusal.BALANCE) - before).isEqualTo(1.0);
    }

    @Test
    void exhaustedBalanceIsRefusedEvenWithoutUnsettledSpend() {
        assertThat(admit(key(null, null, usd("0"), unlimitedGroup())).refusal().code()).isEqualTo("insufficient_balance");
        assertThat(admit(key(null, null, usd("-1.5"), unlimitedGroup())).refusal().status()).isEqualTo(402);
    }

    @Test
    void budgetRefusalTakesPrecedenceAndTakesNoSlots() {
        GroupSnapshot g = group(usd("1"), null, null);
        ApiKeySnapshot key = key(10, 5, usd("10"), g);
        spend(g, SpendPeriod.DAY, "1");
        List<Admission> refused = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            refused.add(admit(key));
        }
        assertThat(refused).allSatisfy(a -> assertThat(a.refusal().code()).isEqualTo("budget_exceeded"));
        // the user's script (another hash slot) took its slot and lease beside the group's refusal: given back
        awaitWindowCount(key, 0);
        awaitZcard(RedisKeys.concurrency(key.userId()), 0);
        awaitZcard(RedisKeys.userReservations(key.userId()), 0);
    }

    @Test
    void aRequestReservesInTheFirstGroupThatPassesOnlyAndAUserRefusalLeavesNoGroupReservation() {
        GroupSnapshot a = group(usd("1"), null, null);
        GroupSnapshot b = group(usd("1"), null, null);
        GroupSnapshot c = group(usd("1"), null, null);
        ApiKeySnapshot key = key(null, null, usd("10"), a, b, c);
        spend(a, SpendPeriod.DAY, "1");
        Admission served = limits.admit(key, UUID.randomUUID().toString(), 1_000).await().atMost(WAIT);
        assertThat(served.group().id()).as("A over → B").isEqualTo(b.id());
        assertThat(served.reservation().keys()).containsExactlyInAnyOrder(RedisKeys.groupReservations(b.id()),
                RedisKeys.userReservations(key.userId()));
        assertThat(zcard(RedisKeys.groupReservations(b.id()))).isEqualTo(1);
        awaitZcard(RedisKeys.groupReservations(c.id()), 0); // C passed too, in its own script: given back
        assertThat(zcard(RedisKeys.groupReservations(a.id()))).isZero();
        limits.release(served.reservation());
        awaitZcard(RedisKeys.groupReservations(b.id()), 0);

        ApiKeySnapshot broke = key(null, null, usd("0"), a, b, c);
        Admission refused = limits.admit(broke, UUID.randomUUID().toString(), 1_000).await().atMost(WAIT);
        assertThat(refused.refusal().code()).isEqualTo("insufficient_balance");
        awaitZcard(RedisKeys.groupReservations(b.id()), 0); // the groups admitted it: their reservations go back
        awaitZcard(RedisKeys.groupReservations(c.id()), 0);
    }

    /**
     * Cancelled while the script is in flight (cancel from onSubscribe, so deterministically before any
     * answer can reach the caller): the script still runs, and its lease is given back.
     */
    @Test
    void admissionCancelledByTheCallerGivesItsLeaseBack() {
        // metered without an estimate: always the exact script, the path whose race this is about
        ApiKeySnapshot key = key(1_000, 100, usd("1000"), unlimitedGroup());
        AtomicInteger delivered = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            limits.admit(key, "cancelled-" + i).subscribe().withSubscriber(new UniSubscriber<Admission>() {
                @Override
                public void onSubscribe(UniSubscription subscription) {
                    subscription.cancel();
                }

                @Override
                public void onItem(Admission a) {
                    delivered.incrementAndGet();
                }

                @Override
                public void onFailure(Throwable failure) {
                    delivered.incrementAndGet();
                }
            });
        }
        awaitWindowCount(key, 50); // the scripts did run
        awaitZcard(RedisKeys.concurrency(key.userId()), 0);
        assertThat(delivered.get()).as("a cancelled caller gets nothing").isZero();
        assertThat(limits.heldLeases()).isZero();
    }

    /**
     * Cancelled at a random moment, racing the reply (the failure the old code had under load): every
     * lease either reaches the caller, who releases it as the runtime does, or is given back by the service.
     */
    @Test
    void admissionCancelRacingTheReplyNeverLeaksALease() {
        ApiKeySnapshot key = key(10_000, 1_000, null, unlimitedGroup());
        AtomicInteger delivered = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            AtomicReference<UniSubscription> sub = new AtomicReference<>();
            limits.admit(key, "race-" + i).subscribe().withSubscriber(new UniSubscriber<Admission>() {
                @Override
                public void onSubscribe(UniSubscription subscription) {
                    sub.set(subscription);
                }

                @Override
                public void onItem(Admission a) {
                    delivered.incrementAndGet();
                    a.lease().release();
                }

                @Override
                public void onFailure(Throwable failure) {
                }
            });
            if (i % 3 != 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
            }
            sub.get().cancel();
        }
        awaitWindowCount(key, 200);
        awaitZcard(RedisKeys.concurrency(key.userId()), 0);
        assertThat(limits.heldLeases()).isZero();
    }

    /**
     * A reply slower than redis-timeout: the caller gets the degraded (lease-free) decision at the timeout,
     * and the lease the late script takes is released after it ran, not before (which would leak it).
     */
    @Test
    void scriptAnsweringAfterTheTimeoutDoesNotLeakItsLease() {
        LimitStore slow = new LimitStore(null) {
            @Override
            public Uni<List<String>> admit(long apiKeyId, long userId, long nowMs, String requestId, Integer rpmLimit, long windowMs,
                    String leaseId, Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro, List<GroupBudget> chain,
                    Reserve reserve) {
                // the script reaches Redis only after the caller's timeout (as when the pool is busy opening
                // connections), and cancelling the subscription does not unsend it (as with the Vert.x client)
                CompletableFuture<List<String>> sent = new CompletableFuture<>();
                Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(300))
                        .chain(() -> store.admit(apiKeyId, userId, nowMs, requestId, rpmLimit, windowMs, leaseId, concurrencyLimit,
                                leaseTtlMs, balanceMicro, chain, reserve))
                        .subscribe().with(sent::complete, sent::completeExceptionally);
                return Uni.createFrom().completionStage(sent);
            }

            @Override
            public void release(long userId, String leaseId) {
                store.release(userId, leaseId);
            }
        };
        LimitsConfig config = new LimitFixtures.Config(true, Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(2),
                Duration.ofHours(2), Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(1), Duration.ofSeconds(60), 1000,
                100, Duration.ofDays(2), Duration.ofDays(35), Duration.ofSeconds(1), Duration.ofSeconds(60));
        LimitService service = new LimitService(slow, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null);
        ApiKeySnapshot key = key(100, 10, null, unlimitedGroup());
        for (int i = 0; i < 5; i++) {
            Admission a = service.admit(key, "slow-" + i).await().atMost(WAIT);
            assertThat(a.allowed()).as("fails open").isTrue();
            assertThat(a.lease()).isSameAs(Lease.NONE);
            LimitServiceTest.sleep(5);
        }
        awaitWindowCount(key, 5); // the late scripts did run
        awaitZcard(RedisKeys.concurrency(key.userId()), 0);
        assertThat(service.heldLeases()).isZero();
        assertThat(service.degradedDecisions()).isEqualTo(5);
    }

    private void awaitWindowCount(ApiKeySnapshot key, long expected) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (windowCount(key) != expected && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        assertThat(windowCount(key)).isEqualTo(expected);
    }

    private void awaitZcard(String key, long expected) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (zcard(key) != expected && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        assertThat(zcard(key)).isEqualTo(expected);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
