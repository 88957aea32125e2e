package dev.switchboard.relay.limits;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static dev.switchboard.relay.limits.LimitFixtures.unlimitedGroup;
import static dev.switchboard.relay.limits.LimitFixtures.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.store.LimitStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What admission decides when Redis does not answer: the fail-open/closed policy per limit. */
class RedisUnreachableTest {

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();

    private final LimitStore down = new LimitStore(null) {
        @Override
        public Uni<List<String>> admit(long apiKeyId, long userId, long nowMs, String requestId, Integer rpmLimit, long windowMs,
                String leaseId, Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro, List<GroupBudget> chain,
                Reserve reserve) {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new ConnectException("Connection refused"));
        }

        @Override
        public void release(long userId, String leaseId) {
            releases.incrementAndGet();
        }
    };

    private final LimitService limits = new LimitService(down,
            LimitFixtures.Config.defaults().withGrace(Duration.ofSeconds(60), Duration.ofSeconds(1)),
            new SimpleMeterRegistry(), null, now::get);

    private Admission admit(ApiKeySnapshot key) {
        return limits.admit(key, "req").await().atMost(Duration.ofSeconds(2));
    }

    @Test
    void rateAndConcurrencyFailOpen() {
        ApiKeySnapshot key = key(1, 1, null, unlimitedGroup());
        for (int i = 0; i < 5; i++) {
            Admission a = admit(key);
            assertThat(a.allowed()).isTrue();
            assertThat(a.lease()).isSameAs(Lease.NONE);
            now.addAndGet(10_000);
        }
        assertThat(releases.get()).as("a lease the script may have taken is given back").isPositive();
    }

    @Test
    void budgetsFailOpenDuringGraceThenClosed() {
        ApiKeySnapshot key = key(null, null, null, group(usd("1"), null, null));
        assertThat(admit(key).allowed()).isTrue();
        now.addAndGet(59_000);
        assertThat(admit(key).allowed()).isTrue();
        now.addAndGet(2_000);
        Admission refused = admit(key);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().status()).isEqualTo(503);
        assertThat(refused.refusal().code()).isEqualTo("limits_unavailable");
        assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(1L);
        // keys without spend limits keep working
        assertThat(admit(key(5, 5, null, unlimitedGroup())).allowed()).isTrue();
    }

    @Test
    void meteredBalanceFailsClosedAfterGraceAndNonPositiveBalanceIsRefusedLocally() {
        assertThat(admit(key(null, null, usd("0"), unlimitedGroup())).refusal().code()).isEqualTo("insufficient_balance");
        ApiKeySnapshot metered = key(null, null, usd("3"), unlimitedGroup());
        assertThat(admit(metered).allowed()).isTrue();
        now.addAndGet(61_000);
        assertThat(admit(metered).refusal().code()).isEqualTo("limits_unavailable");
    }

    @Test
    void afterAFailureRedisIsNotAskedAgainUntilTheRetryInterval() {
        ApiKeySnapshot key = key(10, null, null, unlimitedGroup());
        admit(key);
        admit(key);
        admit(key);
        assertThat(calls.get()).isEqualTo(1);
        now.addAndGet(1_001);
        admit(key);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void disabledLimitsNeverAskRedis() {
        LimitService off = new LimitService(down, new LimitFixtures.Config(false, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofMinutes(2), Duration.ofHours(2), Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(60), 1000, 100, Duration.ofDays(2), Duration.ofDays(35), Duration.ofSeconds(1), Duration.ofSeconds(60)),
                new SimpleMeterRegistry(), null, now::get);
        assertThat(off.admit(key(1, 1, usd("0"), group(usd("0"), null, null)), "r").await().indefinitely().allowed()).isTrue();
        assertThat(calls.get()).isZero();
    }
}
