package dev.switchboard.relay.routing;

/**
 * A cooldown of one scope.
 *
 * @param scope see {@link CooldownScope}
 * @param untilEpochMs deadline; the scope is active while {@code now < untilEpochMs}, half-open after
 *        (until a success clears it); {@code <= 0} is treated as no entry
 * @param reason classifier reason code
 * @param strikes consecutive failures without a success in between (1 for the first)
 * @param replica the relay instance that set or last extended it
 * @param rateLimited true when the cause was a rate limit (drives 429 on exhaustion)
 */
public record CooldownState(String scope, long untilEpochMs, String reason, int strikes, String replica,
        boolean rateLimited) {

    /** True while the scope must be skipped. */
    public boolean activeAt(long nowMs) {
        return nowMs < untilEpochMs;
    }

    /** Whole seconds left, at least 1 while active, 0 once expired. */
    public long secondsLeft(long nowMs) {
        long ms = untilEpochMs - nowMs;
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }
}
