package dev.switchboard.relay.routing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Whether a failed attempt is repeated once on the same candidate before the chain moves on, and after
 * what pause:
 * <ul>
 * <li>429 {@code rate_limited} whose hint (Retry-After, reset headers) is at most {@code maxRetryWait}
 * (3 s) → after {@code max(hint, retryBackoff)};</li>
 * <li>500, 502, 504 {@code upstream_error}, or a reset after the request was written → after a jittered
 * pause in {@code [retryBackoff, 2 × retryBackoff)} (fresh connection: the hop opens a new one);</li>
 * <li>everything else (timeouts, connect failures, 503, 529, quota, auth, 404, operator rules that do not
 * yield these reasons) → no retry: a timeout already cost its whole budget of time;</li>
 * <li>at most one retry per candidate per request, never when the pause would not end before the
 * deadline, never for a candidate whose pool turned it off ({@link Candidate#sameCandidateRetry()}).</li>
 * </ul>
 * The retry takes an attempt from the request's budget like any other.
 */
public final class SameCandidateRetry {

    private final FailoverSettings settings;
    private final RandomGenerator random; // null = ThreadLocalRandom of the calling thread

    public SameCandidateRetry(FailoverSettings settings, RandomGenerator random) {
        this.settings = settings == null ? FailoverSettings.defaults() : settings;
        this.random = random;
    }

    /**
     * @param retriesSoFar retries already made on this candidate in this request
     * @param remainingMs time left before the request's deadline
     * @return the pause before the retry, null = do not retry on this candidate
     */
    public Duration delay(Candidate c, AttemptOutcome o, FailoverDecision d, int retriesSoFar, long remainingMs) {
        if (c == null || !c.sameCandidateRetry() || retriesSoFar >= 1 || d == null
                || d.action() != FailoverDecision.Action.NEXT) {
            return null;
        }
        Duration backoff = settings.retryBackoff();
        Duration wait;
        if (o.kind() == AttemptOutcome.Kind.HTTP_ERROR && o.status() == 429
                && FailureClassifier.RATE_LIMITED.equals(d.reason())) {
            Duration hint = d.hint();
            if (hint == null || hint.compareTo(settings.maxRetryWait()) > 0) {
                return null;
            }
            wait = hint.compareTo(backoff) > 0 ? hint : backoff;
        } else if (isTransient(o, d)) {
            Duration hint = d.hint();
            if (hint != null && hint.compareTo(settings.maxRetryWait()) > 0) {
                return null; // the upstream asked for a longer pause than is worth waiting inside one request
            }
            Duration jittered = jittered(backoff);
            wait = hint != null && hint.compareTo(jittered) > 0 ? hint : jittered;
        } else {
            return null;
        }
        return wait.toMillis() < remainingMs ? wait : null;
    }

    private static boolean isTransient(AttemptOutcome o, FailoverDecision d) {
        if (o.kind() == AttemptOutcome.Kind.RESET_AFTER_WRITE) {
            return FailureClassifier.CONNECTION_RESET.equals(d.reason());
        }
        return o.kind() == AttemptOutcome.Kind.HTTP_ERROR
                && (o.status() == 500 || o.status() == 502 || o.status() == 504)
                && FailureClassifier.UPSTREAM_ERROR.equals(d.reason());
    }

    private Duration jittered(Duration base) {
        long ms = Math.max(0, base.toMillis());
        if (ms == 0) {
            return Duration.ZERO;
        }
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return Duration.ofMillis(ms + r.nextLong(ms));
    }
}
