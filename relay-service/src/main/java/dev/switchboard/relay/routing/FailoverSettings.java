package dev.switchboard.relay.routing;

import java.time.Duration;

/**
 * Knobs of the failover contract.
 *
 * @param maxAttempts attempts per request across every level and key
 * @param requestDeadline no new attempt starts after this much time since the request arrived
 * @param retryAfterCap cap on Retry-After / x-ratelimit-reset-* hints of rate limits
 * @param quotaResetCap cap on reset hints of quota exhaustion
 * @param baseBackoff first cooldown of the exponential classes
 * @param maxBackoff cap of the exponential classes
 * @param quotaCooldown cooldown of an exhausted quota (402, 429 insufficient_quota)
 * @param authCooldown cooldown of a refused key (401, 403)
 * @param modelNotFoundCooldown cooldown of a model the upstream does not know (404)
 */
public record FailoverSettings(int maxAttempts, Duration requestDeadline, Duration retryAfterCap,
        Duration quotaResetCap, Duration baseBackoff, Duration maxBackoff, Duration quotaCooldown,
        Duration authCooldown, Duration modelNotFoundCooldown) {

    /** 4 attempts, 120 s deadline, caps 15 min / 6 h, backoff 1 s .. 5 min, quota 1 h, auth 1 h, 404 5 min. */
    public static FailoverSettings defaults() {
        return new FailoverSettings(4, Duration.ofSeconds(120), Duration.ofMinutes(15), Duration.ofHours(6),
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofMinutes(5));
    }
}
