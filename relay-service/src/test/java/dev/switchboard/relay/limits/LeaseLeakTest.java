package dev.switchboard.relay.limits;

import static dev.switchboard.relay.limits.LimitFixtures.key;
import static dev.switchboard.relay.limits.LimitFixtures.unlimitedGroup;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.store.LimitStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 1 000 leases of one user: 900 held by a live replica and released at random moments (some twice,
 * some after the lease TTL so only refreshes keep them), 100 held by a "crashed" replica that neither
 * releases nor refreshes. Afterwards the user holds no slot.
 */
@QuarkusTest
class LeaseLeakTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    @Inject
    LimitStore store;
    @Inject
    Vertx vertx;
    @Inject
    RedisDataSource redis;

    private long live(String key) {
        return redis.sortedSet(String.class).zcount(key,
                io.quarkus.redis.datasource.sortedset.ScoreRange.from(System.currentTimeMillis() + 1, Double.POSITIVE_INFINITY));
    }

    @Test
    void thousandLeasesReleasedAtRandomOrExpiredLeaveNoSlot() throws Exception {
        LimitsConfig config = LimitFixtures.Config.defaults().withLease(TTL, Duration.ofMillis(400));
        LimitService replica = new LimitService(store, config, new SimpleMeterRegistry(), vertx);
        LimitService crashed = new LimitService(store, config, new SimpleMeterRegistry(), null);
        ApiKeySnapshot key = key(null, 2_000, null, unlimitedGroup());
        String leases = RedisKeys.concurrency(key.userId());
        Random random = new Random(42);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);

        ScheduledExecutorService releaser = Executors.newScheduledThreadPool(4);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger longHeld = new AtomicInteger();
        try {
            for (int i : order) {
                boolean fromCrashed = i < 100;
                Admission a = (fromCrashed ? crashed : replica).admit(key, "r-" + i).await().atMost(Duration.ofSeconds(5));
                assertThat(a.allowed()).isTrue();
                if (fromCrashed) {
                    continue;
                }
                held.incrementAndGet();
                long delay = random.nextInt(10) == 0 ? 3_000 + random.nextInt(1_500) : random.nextInt(2_000);
                if (delay >= 3_000) {
                    longHeld.incrementAndGet();
                }
                boolean twice = random.nextInt(5) == 0;
                releaser.schedule(() -> {
                    a.lease().release();
                    held.decrementAndGet();
                    if (twice) {
                        a.lease().release();
                    }
                }, delay, TimeUnit.MILLISECONDS);
            }
            assertThat(longHeld.get()).isPositive();
            // past the TTL: only refreshes keep the long-held leases alive; the crashed replica's are gone
            Thread.sleep(TTL.toMillis() + 600);
            long heldBefore = held.get();
            long inRedis = live(leases);
            long heldAfter = held.get();
            assertThat(heldAfter).isPositive();
            // releases race with the read (ZREM is asynchronous): a few may still be in flight, never 100
            assertThat(inRedis).as("refreshed leases survive their TTL, crashed ones expire").isBetween(heldAfter, heldBefore + 10);
        } finally {
            releaser.shutdown();
            assertThat(releaser.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            replica.stop();
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (live(leases) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(live(leases)).isZero();
        assertThat(replica.heldLeases()).isZero();
        // the next admission purges expired members: the set is empty afterwards
        Admission next = replica.admit(key, "final").await().atMost(Duration.ofSeconds(5));
        next.lease().release();
        deadline = System.currentTimeMillis() + 5_000;
        while (redis.sortedSet(String.class).zcard(leases) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(redis.sortedSet(String.class).zcard(leases)).isZero();
    }
}
