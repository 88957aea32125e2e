package dev.switchboard.relay.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Tenant limits, headroom tracking and usage accounting (prefix {@code switchboard.limits}). */
@ConfigMapping(prefix = "switchboard.limits")
public interface LimitsConfig {

    /** Master switch: false admits every request without touching Redis (usage is still recorded). */
    @WithDefault("true")
    boolean enabled();

    /** Length of the sliding window of the per-key requests-per-minute limit. */
    @WithDefault("60s")
    Duration rateWindow();

    /** Lifetime of a concurrency lease; a lease not released or refreshed within it frees itself. */
    @WithDefault("10m")
    Duration leaseTtl();

    /** How often the leases held by this replica are pushed forward by another {@code lease-ttl}. */
    @WithDefault("2m")
    Duration leaseRefreshInterval();

    /** A lease older than this is no longer refreshed (guards against a request that never releases). */
    @WithDefault("2h")
    Duration leaseMaxLifetime();

    /**
     * Lifetime of what admission reserves against a balance or budget for a request in flight; the request's
     * usage record removes it sooner. Only a reservation nobody settles (its replica died) lives this long.
     */
    @WithDefault("10m")
    Duration reservationTtl();

    /** Output tokens a reservation assumes when the request does not cap them (max_tokens and the like). */
    @WithDefault("4096")
    long reserveOutputTokens();

    /**
     * Requests of a block of local allowances at most (rpm slots, and the spend of this many requests at the first
     * one's estimate); a block is also never more than 1/(2 × allowance-headroom) of any limit of the key. 0 turns
     * local admission off: every limited request then costs one admission script.
     */
    @WithDefault("256")
    int allowanceRequests();

    /**
     * Requests a block grows to for a busy key: a key that uses up a block within half of {@code allowance-ttl} gets
     * the next one twice as large, up to this (and never more than 1/(2 × allowance-headroom) of a limit); one whose
     * block expires more than half unused gets the next one half as large, down to {@code allowance-requests}.
     * At most {@code allowance-requests} means blocks never grow.
     */
    @WithDefault("4096")
    int allowanceMaxRequests();

    /** Concurrency leases of a block of local allowances (at most; smaller for small concurrency limits). */
    @WithDefault("64")
    int allowanceSlots();

    /** Longest life of a block; what it did not use then goes back to Redis. */
    @WithDefault("2s")
    Duration allowanceTtl();

    /** A block is granted only while every limit has room for this many blocks; nearer, admission is exact. */
    @WithDefault("4")
    int allowanceHeadroom();

    /** Retry-After sent with concurrency_limit_exceeded. */
    @WithDefault("1s")
    Duration concurrencyRetryAfter();

    /** Time allowed for the admission round trip before Redis counts as unreachable. */
    @WithDefault("250ms")
    Duration redisTimeout();

    /** After a failed admission round trip, Redis is not asked again for this long (fast local decisions). */
    @WithDefault("1s")
    Duration redisRetryInterval();

    /**
     * How long budgets and balances fail open while Redis is unreachable; after that, requests of keys
     * with a spend limit or metered balance get 503 limits_unavailable.
     */
    @WithDefault("60s")
    Duration spendFailOpenGrace();

    /** Approximate MAXLEN of the sb:usage stream. */
    @WithDefault("1000000")
    long usageStreamMaxLen();

    /** Usage records kept in memory while Redis does not take them (oldest written first once it answers). */
    @WithDefault("100000")
    int usageBufferSize();

    /** How long a spend counter outlives the end of its period. */
    @WithDefault("P2D")
    Duration spendRetention();

    /** Lifetime of a user's unsettled-spend hash after its last write (covers a long ledger outage). */
    @WithDefault("P35D")
    Duration unsettledSpendTtl();

    /** How often live upstream-key usage is pushed to and read back from Redis. */
    @WithDefault("1s")
    Duration headroomFlushInterval();

    /** How long a key reported exhausted without a reset time counts as having no headroom. */
    @WithDefault("60s")
    Duration headroomExhaustedDefault();
}
