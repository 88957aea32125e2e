package dev.switchboard.relay.limits;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static dev.switchboard.relay.limits.LimitFixtures.unlimitedGroup;
import static dev.switchboard.relay.limits.LimitFixtures.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.store.LimitStore;
import dev.switchboard.relay.support.Fixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Local allowances against real Redis: a key far from its limits is admitted from blocks without a round trip
 * per request, a key near one is admitted exactly, and whatever a block did not use goes back, so Redis counts
 * exactly what was admitted.
 */
@QuarkusTest
class AllowanceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int BLOCK = 32;

    @Inject
    LimitStore store;
    @Inject
    RedisDataSource redis;

    private final List<LimitService> services = new ArrayList<>();

    /** A replica of its own (no Vert.x: releases go to Redis at once) with blocks of 32 requests and {@code slots} leases. */
    private LimitService replica(int slots) {
        return replica(slots, Duration.ofSeconds(30), BLOCK);
    }

    /** The same with blocks that live {@code ttl} and grow up to {@code maxRequests} for a busy key. */
    private LimitService replica(int slots, Duration ttl, int maxRequests) {
        LimitsConfig base = LimitFixtures.Config.defaults();
        LimitsConfig config = (LimitsConfig) Proxy.newProxyInstance(LimitsConfig.class.getClassLoader(),
                new Class<?>[] {LimitsConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "allowanceRequests" -> BLOCK;
                    case "allowanceMaxRequests" -> maxRequests;
                    case "allowanceSlots" -> slots;
                    case "allowanceTtl" -> ttl;
                    default -> method.invoke(base, args);
                });
        LimitService s = new LimitService(store, config, new SimpleMeterRegistry(), null);
        services.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        services.forEach(LimitService::stop);
    }

    private static Admission admit(LimitService s, ApiKeySnapshot key, long estimate) {
        return s.admit(key, UUID.randomUUID().toString(), estimate).await().atMost(WAIT);
    }

    /** A request's end without a usage record: its lease back, an exact admission's reservation dropped. */
    private static void end(LimitService s, Admission a) {
        a.lease().release();
        if (a.reservation() != null) {
            s.release(a.reservation());
        }
    }

    private long counted(ApiKeySnapshot key) {
        long bucket = System.currentTimeMillis() / 60_000;
        long total = 0;
        for (long b = bucket - 2; b <= bucket; b++) {
            Long v = redis.value(Long.class).get(LimitStore.rateBucket(key.userId(), key.apiKeyId(), b));
            total += v == null ? 0 : v;
        }
        return total;
    }

    private long zcard(String key) {
        return redis.sortedSet(String.class).zcard(key);
    }

    /** Admits until one comes from a block (the first ones are exact while the grant is on its way). */
    private static void awaitBlock(LimitService s, ApiKeySnapshot key, List<Admission> admitted) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            admitted.add(admit(s, key, 100));
            if (s.localAdmissions() > 0) {
                return;
            }
            Fixture.sleep(20);
        }
        throw new AssertionError("no block granted");
    }

    @Test
    void aKeyFarFromItsLimitsIsAdmittedFromBlocksAndRedisCountsExactlyWhatWasAdmitted() throws Exception {
        ApiKeySnapshot key = key(1_000_000, 100_000, usd("1000"), group(usd("1000"), usd("1000"), usd("1000")));
        LimitService s = replica(32);
        List<Admission> admitted = Collections.synchronizedList(new ArrayList<>());
        awaitBlock(s, key, admitted);

        long tripsBefore = store.admissionRoundTrips();
        long degradedBefore = s.degradedDecisions();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    Admission a = admit(s, key, 100);
                    assertThat(a.allowed()).isTrue();
                    end(s, a);
                }
            }));
        }
        for (Future<?> f : work) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long trips = store.admissionRoundTrips() - tripsBefore;
        assertThat(s.degradedDecisions()).as("admissions decided without Redis (a loaded machine)").isEqualTo(degradedBefore);
        assertThat(trips).as("admission round trips for 800 requests").isLessThan(800 / 4);

        admitted.forEach(a -> end(s, a));
        s.stop(); // retires every block: what it did not use goes back
        long total = 800 + admitted.size();
        awaitCount(() -> counted(key), total);
        assertThat(counted(key)).as("requests counted in the rpm window").isEqualTo(total);
        awaitCount(() -> zcard(RedisKeys.concurrency(key.userId())), 0);
        assertThat(zcard(RedisKeys.concurrency(key.userId()))).as("leases left").isZero();
        awaitCount(() -> zcard(RedisKeys.userReservations(key.userId())), 0);
        assertThat(zcard(RedisKeys.userReservations(key.userId()))).as("user reservations left").isZero();
        assertThat(zcard(RedisKeys.groupReservations(key.group().id()))).as("group reservations left").isZero();
    }

    /**
     * A block is the user's grant script and the group's, in two hash slots: when one side is near its limit in
     * Redis (what the snapshot cannot show: unsettled spend, a group's spend counter) and the other grants, what
     * the other took goes back, and the key is admitted exactly.
     */
    @Test
    void aBlockOneSideRefusesIsGivenBackOnTheOtherSide() {
        ApiKeySnapshot nearBalance = key(1_000_000, 100_000, usd("1000"), group(usd("1000"), usd("1000"), usd("1000")));
        String unsettled = RedisKeys.userSpend(nearBalance.userId());
        redis.hash(Long.class).hset(unsettled, LimitStore.UNSETTLED_TOTAL, 999_999_000L);
        redis.key().expire(unsettled, 3600);
        ApiKeySnapshot nearBudget = key(1_000_000, 100_000, usd("1000"), group(usd("1"), null, null));
        redis.value(Long.class).setex(RedisKeys.groupSpend(nearBudget.group().id(), SpendPeriod.DAY.id(java.time.Instant.now())),
                3600, 999_999L);
        LimitService s = replica(32);
        List<Admission> admitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            admitted.add(admit(s, nearBalance, 100));
            admitted.add(admit(s, nearBudget, 100));
            Fixture.sleep(5);
        }
        assertThat(s.localAdmissions()).as("admitted from a block").isZero();
        assertThat(admitted).filteredOn(Admission::allowed).isNotEmpty();
        admitted.stream().filter(Admission::allowed).forEach(a -> end(s, a));
        awaitCount(() -> zcard(RedisKeys.groupReservations(nearBalance.group().id())), 0);
        awaitCount(() -> zcard(RedisKeys.userReservations(nearBudget.userId())), 0);
        awaitCount(() -> zcard(RedisKeys.concurrency(nearBudget.userId())), 0);
        long exact = admitted.stream().filter(a -> a.allowed() && a.group() != null
                && a.group().id() == nearBudget.group().id()).count();
        awaitCount(() -> counted(nearBudget), exact);
        assertThat(counted(nearBudget)).as("rpm slots: the exact admissions only, the refused block's given back").isEqualTo(exact);
    }

    @Test
    void aKeyNearItsRpmLimitIsAdmittedExactlyAndNeverPastIt() {
        ApiKeySnapshot key = key(12, null, null, unlimitedGroup()); // a block of 1/8 of 12 holds fewer than 2: exact
        LimitService s = replica(8);
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            if (admit(s, key, 0).allowed()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(12);
        assertThat(s.localAdmissions()).isZero();
    }

    @Test
    void aKeyWithAMiddlingRpmLimitGetsSmallerBlocksAndNeverPassesIt() {
        ApiKeySnapshot key = key(400, null, null, unlimitedGroup()); // blocks of 400/8 = 50 → capped at 32
        LimitService s = replica(8);
        int allowed = 0;
        for (int i = 0; i < 500; i++) {
            if (admit(s, key, 0).allowed()) {
                allowed++;
            }
        }
        assertThat(s.localAdmissions()).as("admitted from blocks while far from the limit").isPositive();
        assertThat(allowed).as("admitted in all").isLessThanOrEqualTo(400);
        s.stop();
        awaitCount(() -> counted(key), allowed);
        assertThat(counted(key)).as("counted in the window once the blocks retired").isEqualTo(allowed);
    }

    @Test
    void aLocalAdmissionCancelledBeforeItsCallerSawItGivesItsLeaseBack() {
        ApiKeySnapshot key = key(null, 64, null, unlimitedGroup());
        LimitService s = replica(8);
        List<Admission> first = new ArrayList<>();
        awaitBlock(s, key, first);
        first.forEach(a -> a.lease().release());
        for (int i = 0; i < 20; i++) {
            s.admit(key, "cancelled-" + i, 0).subscribe().withSubscriber(new UniSubscriber<Admission>() {
                @Override
                public void onSubscribe(UniSubscription subscription) {
                    subscription.cancel();
                }

                @Override
                public void onItem(Admission a) {
                    throw new AssertionError("a cancelled caller gets nothing");
                }

                @Override
                public void onFailure(Throwable failure) {
                }
            });
        }
        assertThat(s.heldLeases()).as("leases held by nobody").isZero();
    }

    @Test
    void leasesOfABlockCountAgainstTheUserOnEveryReplica() {
        ApiKeySnapshot key = key(null, 64, null, unlimitedGroup()); // blocks of 64/8 = 8 leases
        LimitService a = replica(8);
        LimitService b = replica(8);
        List<Admission> held = new ArrayList<>();
        awaitBlock(a, key, held);
        // replica b sees a's block in Redis: everything held there counts, and b can never exceed the limit
        int more = 0;
        for (int i = 0; i < 90; i++) {
            Admission x = admit(b, key, 0);
            if (x.allowed()) {
                held.add(x);
                more++;
            }
        }
        assertThat(zcard(RedisKeys.concurrency(key.userId()))).as("leases in Redis").isLessThanOrEqualTo(64);
        assertThat(held.size()).as("requests holding a slot").isLessThanOrEqualTo(64);
        assertThat(more).isPositive();
        held.forEach(x -> x.lease().release());
    }

    /**
     * A key that uses up its blocks fast gets larger ones (fewer grants: fewer scripts and lease writes per request),
     * never past the configured most; once it goes quiet, blocks that expire unused shrink back. Redis still counts
     * exactly what was admitted.
     */
    @Test
    void aBusyKeysBlocksGrowAndShrinkBackWhenItGoesQuiet() throws Exception {
        ApiKeySnapshot key = key(1_000_000, 100_000, usd("1000"), group(usd("1000"), usd("1000"), usd("1000")));
        LimitService s = replica(32, Duration.ofSeconds(2), 8 * BLOCK);
        List<Admission> admitted = new ArrayList<>();
        awaitBlock(s, key, admitted);
        assertThat(s.nextBlockRequests(key)).isEqualTo(BLOCK);
        long tripsBefore = store.admissionRoundTrips();
        int n = 0;
        while (n < 3_000) {
            Admission a = admit(s, key, 100);
            assertThat(a.allowed()).isTrue();
            end(s, a);
            n++;
        }
        long trips = store.admissionRoundTrips() - tripsBefore;
        assertThat(s.nextBlockRequests(key)).as("grown, to the most at last").isEqualTo(8 * BLOCK);
        assertThat(trips).as("round trips for 3 000 requests: fewer than blocks of 32 would take").isLessThan(3_000 / BLOCK);

        Fixture.sleep(2_100); // the block in use and the spare expire with most of their requests left
        admitted.add(admit(s, key, 100));
        assertThat(s.nextBlockRequests(key)).as("an idle block's successor is half as large").isLessThan(8 * BLOCK);

        admitted.forEach(a -> end(s, a));
        s.stop();
        long total = n + admitted.size();
        awaitCount(() -> counted(key), total);
        assertThat(counted(key)).as("rpm window counts exactly what was admitted").isEqualTo(total);
        awaitCount(() -> zcard(RedisKeys.concurrency(key.userId())), 0);
    }

    private static void awaitCount(java.util.function.LongSupplier actual, long expected) {
        long deadline = System.currentTimeMillis() + 5_000;
        while (actual.getAsLong() != expected && System.currentTimeMillis() < deadline) {
            Fixture.sleep(20);
        }
    }
}
