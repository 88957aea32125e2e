package dev.switchboard.relay.routing;

import java.time.Duration;

/**
 * Knobs of the failover contract.
 *
 * @param maxAttempts attempts per request across every level and key (same-candidate retries and
 *        continuations included)
 * @param requestDeadline no new attempt starts after this much time since the request arrived
 * @param retryAfterCap cap on Retry-After / x-ratelimit-reset-* hints of rate limits
 * @param quotaResetCap cap on reset hints of quota exhaustion
 * @param baseBackoff first cooldown of the exponential classes
 * @param maxBackoff cap of the exponential classes (rate limits without a hint, operator reasons)
 * @param quotaCooldown cooldown of an exhausted quota (402, 429 insufficient_quota)
 * @param authCooldown cooldown of a refused key (401, 403)
 * @param modelNotFoundCooldown cooldown of a model the upstream does not know (404)
 * @param unavailableBackoffCap cap of the growth of "upstream unavailable" cooldowns (5xx, overloaded,
 *        connect failures, timeouts, resets, stream errors), so a recovered upstream is probed again soon;
 *        an upstream Retry-After larger than it still wins
 * @param maxRetryWait longest Retry-After of a 429 that is waited for and retried on the same candidate
 * @param retryBackoff least pause before an attempt is repeated on the same candidate; the pause is
 *        jittered uniformly in {@code [retryBackoff, 2 × retryBackoff)}
 * @param maxContinuations broken streams continued on another candidate per request
 */
public record FailoverSettings(int maxAttempts, Duration requestDeadline, Duration retryAfterCap,
        Duration quotaResetCap, Duration baseBackoff, Duration maxBackoff, Duration quotaCooldown,
        Duration authCooldown, Duration modelNotFoundCooldown, Duration unavailableBackoffCap,
        Duration maxRetryWait, Duration retryBackoff, int maxContinuations) {

    /** Longest cooldown an operator rule may set; longer values are clamped (catalog-service refuses them). */
    public static final Duration MAX_RULE_COOLDOWN = Duration.ofDays(1);

    public static final Duration DEFAULT_UNAVAILABLE_BACKOFF_CAP = Duration.ofSeconds(15);
    public static final Duration DEFAULT_MAX_RETRY_WAIT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final int DEFAULT_MAX_CONTINUATIONS = 1;

    public FailoverSettings {
        unavailableBackoffCap = unavailableBackoffCap == null ? DEFAULT_UNAVAILABLE_BACKOFF_CAP : unavailableBackoffCap;
        maxRetryWait = maxRetryWait == null ? DEFAULT_MAX_RETRY_WAIT : maxRetryWait;
        retryBackoff = retryBackoff == null ? DEFAULT_RETRY_BACKOFF : retryBackoff;
        maxContinuations = Math.max(0, maxContinuations);
    }

    /** The knobs of the first contract; the later ones at their defaults. */
    public FailoverSettings(int maxAttempts, Duration requestDeadline, Duration retryAfterCap,
            Duration quotaResetCap, Duration baseBackoff, Duration maxBackoff, Duration quotaCooldown,
            Duration authCooldown, Duration modelNotFoundCooldown) {
        this(maxAttempts, requestDeadline, retryAfterCap, quotaResetCap, baseBackoff, maxBackoff, quotaCooldown,
                authCooldown, modelNotFoundCooldown, null, null, null, DEFAULT_MAX_CONTINUATIONS);
    }

    /**
     * 4 attempts, 120 s deadline, caps 15 min / 6 h, backoff 1 s .. 5 min (5xx/connect/timeouts .. 15 s),
     * quota 1 h, auth 1 h, 404 5 min, same-candidate retry after a Retry-After of at most 3 s or a
     * 200–400 ms pause, 1 continuation.
     */
    public static FailoverSettings defaults() {
        return new FailoverSettings(4, Duration.ofSeconds(120), Duration.ofMinutes(15), Duration.ofHours(6),
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofMinutes(5));
    }
}
