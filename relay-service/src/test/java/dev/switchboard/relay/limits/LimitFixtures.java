package dev.switchboard.relay.limits;

import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Snapshots with random ids (tests share Redis and may run repeatedly) and a tweakable config. */
public final class LimitFixtures {

    private LimitFixtures() {
    }

    /** A fresh id no earlier run used. */
    public static long id() {
        return ThreadLocalRandom.current().nextLong(1L << 40, 1L << 52);
    }

    public static GroupSnapshot group(BigDecimal daily, BigDecimal weekly, BigDecimal monthly) {
        return group(id(), "g", BigDecimal.ONE, daily, weekly, monthly);
    }

    public static GroupSnapshot group(long id, String name, BigDecimal multiplier, BigDecimal daily, BigDecimal weekly,
            BigDecimal monthly) {
        return new GroupSnapshot(id, name + "-" + id, "any", "active", "standard", multiplier, daily, weekly, monthly,
                List.of(), null, null, false, 1);
    }

    public static GroupSnapshot unlimitedGroup() {
        return group(null, null, null);
    }

    public static ApiKeySnapshot key(Integer rpm, Integer concurrency, BigDecimal balance, GroupSnapshot group,
            GroupSnapshot... fallbacks) {
        long keyId = id();
        long userId = id();
        UserSnapshot user = new UserSnapshot(userId, "user-" + userId, "active", "user", balance, concurrency, 1);
        return new ApiKeySnapshot(Schema.AUTH, 1, keyId, "key-" + keyId, "sk-sb-test", userId, group.id(), ApiKeySnapshot.ACTIVE,
                null, List.of(), List.of(), rpm, user, group, List.of(fallbacks));
    }

    public static BigDecimal usd(String v) {
        return new BigDecimal(v);
    }

    /** LimitsConfig with the production defaults unless overridden. */
    public record Config(boolean enabled, Duration rateWindow, Duration leaseTtl, Duration leaseRefreshInterval,
            Duration leaseMaxLifetime, Duration concurrencyRetryAfter, Duration redisTimeout, Duration redisRetryInterval,
            Duration spendFailOpenGrace, long usageStreamMaxLen, int usageBufferSize, Duration spendRetention, Duration unsettledSpendTtl,
            Duration headroomFlushInterval, Duration headroomExhaustedDefault) implements LimitsConfig {

        public static Config defaults() {
            return new Config(true, Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofHours(2),
                    Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(60), 1_000_000, 100_000,
                    Duration.ofDays(2), Duration.ofDays(35), Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        @Override
        public Duration reservationTtl() {
            return Duration.ofMinutes(10);
        }

        @Override
        public long reserveOutputTokens() {
            return 4096;
        }

        /** Local allowances off: these tests count admission scripts exactly (AllowanceTest turns them on). */
        @Override
        public int allowanceRequests() {
            return 0;
        }

        @Override
        public int allowanceMaxRequests() {
            return 0;
        }

        @Override
        public int allowanceSlots() {
            return 32;
        }

        @Override
        public Duration allowanceTtl() {
            return Duration.ofSeconds(2);
        }

        @Override
        public int allowanceHeadroom() {
            return 4;
        }

        public Config withLease(Duration ttl, Duration refresh) {
            return new Config(enabled, rateWindow, ttl, refresh, leaseMaxLifetime, concurrencyRetryAfter, redisTimeout,
                    redisRetryInterval, spendFailOpenGrace, usageStreamMaxLen, usageBufferSize, spendRetention, unsettledSpendTtl,
                    headroomFlushInterval, headroomExhaustedDefault);
        }

        public Config withGrace(Duration grace, Duration retryInterval) {
            return new Config(enabled, rateWindow, leaseTtl, leaseRefreshInterval, leaseMaxLifetime, concurrencyRetryAfter,
                    redisTimeout, retryInterval, grace, usageStreamMaxLen, usageBufferSize, spendRetention, unsettledSpendTtl,
                    headroomFlushInterval, headroomExhaustedDefault);
        }
    }
}
