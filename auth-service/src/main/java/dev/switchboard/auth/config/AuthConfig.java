package dev.switchboard.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Application settings of auth-service (prefix {@code switchboard}). */
@ConfigMapping(prefix = "switchboard")
public interface AuthConfig {

    /** Shared secret the relay sends in {@code x-switchboard-service-token}; env {@code SB_INTERNAL_TOKEN}. */
    Optional<String> internalToken();

    /** Auth snapshot cache in Redis. */
    Cache cache();

    /** Usage ledger consumer of the {@code sb:usage} stream. */
    Ledger ledger();

    interface Cache {
        /** Time to live of a positive entry (a key that exists). */
        @WithDefault("30M")
        Duration positiveTtl();

        /** Random extra time added to each positive TTL so entries written together do not expire together. */
        @WithDefault("5M")
        Duration positiveJitter();

        /** Time to live of a negative entry (a key that does not exist or was deleted). */
        @WithDefault("60S")
        Duration negativeTtl();
    }

    interface Ledger {
        /** Whether the background consumer runs (tests drive it by hand). */
        @WithDefault("true")
        boolean enabled();

        /** Consumer name inside the {@code auth-ledger} group; unique per replica (defaults to the host name). */
        Optional<String> consumerName();

        /** Messages read per XREADGROUP call, and settled in one transaction. */
        @WithDefault("1000")
        int batchSize();

        /**
         * Upper bound of one read while the group lags: a read that comes back full doubles the next one, up to
         * this; one that does not goes back to {@code batch-size}.
         */
        @WithDefault("8000")
        int maxBatchSize();

        /** Failed settlements of one message (counted while PostgreSQL answers) before it is dead-lettered. */
        @WithDefault("5")
        int maxAttempts();

        /**
         * After a read that was not full (the consumer has caught up), the next read waits until this long after
         * the previous one started, so a steady trickle is settled in batches of some size, not one transaction,
         * balance update and snapshot refresh (and relay invalidation) per handful of events. Adds at most this
         * much to the lag; 0 reads again at once.
         */
        @WithDefault("100ms")
        Duration linger();

        /** How long one XREADGROUP call blocks waiting for new messages. */
        @WithDefault("2S")
        Duration blockTimeout();

        /** A pending message idle this long belongs to a dead consumer and is reclaimed with XAUTOCLAIM. */
        @WithDefault("60S")
        Duration reclaimMinIdle();

        /** How often the consumer looks for pending messages of dead consumers. */
        @WithDefault("30S")
        Duration reclaimInterval();

        /** How often the {@code switchboard.ledger.lag} gauge is sampled (XINFO GROUPS). */
        @WithDefault("15S")
        Duration lagInterval();

        /** How long one lag sample waits for Redis before the gauge reads NaN. */
        @WithDefault("1S")
        Duration lagTimeout();
    }
}
