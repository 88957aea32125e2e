package dev.switchboard.relay.routing;

import java.time.Duration;

/**
 * Cooldown arithmetic. Given the current entry of a scope (null = none) and a failure decision:
 * <ul>
 * <li>strikes: existing entry still active, or expired less than {@code maxBackoff} ago (half-open, no
 * success since) → strikes + 1; otherwise 1. A success clears the scope (the runtime deletes it), so
 * the next failure starts at 1 again;</li>
 * <li>duration: {@code quota_exhausted} → quotaCooldown, {@code auth_failed} → authCooldown,
 * {@code model_not_found} → modelNotFoundCooldown, each doubled per further strike up to 4× (a failed
 * half-open probe cools longer); the "upstream unavailable" reasons (5xx, overloaded, connect failures,
 * resets, timeouts, stream errors) → {@code baseBackoff · 2^(strikes-1)} capped at unavailableBackoffCap
 * (15 s), so a flapping upstream that recovered is probed again within the cap and a failed probe never
 * pushes it further out; every other reason (rate limits without a hint, operator reasons) → the same
 * growth capped at maxBackoff; a hint (already capped by the classifier) wins when larger;</li>
 * <li>extend-only: the new deadline is {@code max(existing, now + duration)}; when the existing one is
 * later, its reason, rate-limit flag and replica stay and only the strike count moves.</li>
 * </ul>
 */
public final class CooldownPolicy {

    private static final int FIXED_GROWTH_LIMIT = 4;

    private final FailoverSettings settings;

    public CooldownPolicy(FailoverSettings s) {
        this.settings = s == null ? FailoverSettings.defaults() : s;
    }

    /**
     * The next state of {@code scope}: extend-only, exponential by strikes, hints capped.
     *
     * @param existing may be null
     * @return {@code existing} unchanged when the decision cools nothing ({@code scope == null})
     */
    public CooldownState next(CooldownState existing, String scope, FailoverDecision d, long nowMs, String replica) {
        if (d == null || d.scope() == null) {
            return existing;
        }
        if (existing != null && existing.untilEpochMs() <= 0) {
            existing = null; // a cleared entry
        }
        int strikes = 1;
        if (existing != null) {
            boolean active = existing.activeAt(nowMs);
            boolean halfOpen = !active && nowMs - existing.untilEpochMs() < settings.maxBackoff().toMillis();
            if (active || halfOpen) {
                strikes = Math.max(1, existing.strikes()) + 1;
            }
        }
        long durationMs = saturatedMillis(duration(d, strikes)); // a huge hint must never throw on the failure path
        long until = saturatedAdd(nowMs, durationMs);
        if (existing != null && existing.untilEpochMs() >= until) {
            return new CooldownState(scope, existing.untilEpochMs(), existing.reason(), strikes, existing.replica(),
                    existing.rateLimited());
        }
        return new CooldownState(scope, until, d.reason(), strikes, replica, d.rateLimited());
    }

    /** Duration of a cooldown for a decision at a strike count (1 = first failure). */
    public Duration duration(FailoverDecision d, int strikes) {
        int s = Math.max(1, strikes);
        Duration base = switch (d.reason() == null ? "" : d.reason()) {
            case FailureClassifier.QUOTA_EXHAUSTED -> grow(settings.quotaCooldown(), s, FIXED_GROWTH_LIMIT);
            case FailureClassifier.AUTH_FAILED -> grow(settings.authCooldown(), s, FIXED_GROWTH_LIMIT);
            case FailureClassifier.MODEL_NOT_FOUND -> grow(settings.modelNotFoundCooldown(), s, FIXED_GROWTH_LIMIT);
            case FailureClassifier.UPSTREAM_ERROR, FailureClassifier.OVERLOADED, FailureClassifier.CONNECT_FAILED,
                    FailureClassifier.CONNECTION_RESET, FailureClassifier.TIMEOUT, FailureClassifier.STREAM_ERROR,
                    FailureClassifier.MALFORMED_EVENT -> exponential(s, unavailableCap());
            default -> exponential(s, settings.maxBackoff());
        };
        Duration hint = d.hint();
        return hint != null && hint.compareTo(base) > 0 ? hint : base;
    }

    private Duration unavailableCap() {
        Duration cap = settings.unavailableBackoffCap();
        return cap.compareTo(settings.maxBackoff()) < 0 ? cap : settings.maxBackoff();
    }

    private Duration exponential(int strikes, Duration max) {
        long baseMs = settings.baseBackoff().toMillis();
        int shift = Math.min(strikes - 1, 40);
        long ms = baseMs <= 0 ? 0 : (baseMs > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMs << shift);
        return ms >= max.toMillis() ? max : Duration.ofMillis(ms);
    }

    /** {@code base · 2^(strikes-1)}, at most {@code limit × base}. */
    private static Duration grow(Duration base, int strikes, int limit) {
        long factor = 1L << Math.min(strikes - 1, 20);
        return base.multipliedBy(Math.min(factor, limit));
    }

    private static long saturatedMillis(Duration d) {
        try {
            return Math.max(0, d.toMillis());
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
