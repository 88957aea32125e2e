package dev.switchboard.relay.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer for an exhausted chain:
 * <ul>
 * <li>429 when there was something to wait for and every failed attempt and every cooling skip was a
 * rate limit (no_headroom and probe_in_flight skips count as rate limits); Retry-After = seconds to the
 * earliest active cooldown deadline (1 when none is known);</li>
 * <li>502 when at least one upstream was tried and failed for another reason;</li>
 * <li>503 when nothing could be tried (everything cooling for mixed reasons, disabled, not allowed);
 * Retry-After set when some cooldown will expire.</li>
 * </ul>
 * Static skips (disabled, not_allowed, protocol_mismatch, duplicate, unknown_target, no_keys,
 * context_too_small) do not count either way.
 *
 * <p>{@link #decide} is the per-candidate form {@link CandidateQueue#exhaustion} uses: one {@link Wait} per
 * candidate left out or failed, with the moment it becomes usable (the latest deadline among the scopes
 * covering it, the cooldowns this request set included), so Retry-After is the earliest moment any
 * candidate becomes usable. A candidate whose cooldown expired between resolution and the reply is usable
 * now: the answer is never a 429 then (503 with Retry-After 1 when nothing was tried). A probe held by
 * another request or replica is neither a rate limit nor a failure: it never makes a 429 by itself.
 */
public final class Exhaustion {

    private final int status;
    private final Long retryAfterSeconds;

    private Exhaustion(int status, Long retryAfterSeconds) {
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * @param coolingStates the cooldown entries behind the {@code cooling_down} / {@code probe_in_flight}
     *        skips and those set by the failed attempts (see {@link #statesFor})
     */
    public static Exhaustion of(List<Attempt> attempts, List<Skip> skips, List<CooldownState> coolingStates,
            long nowMs) {
        attempts = attempts == null ? List.of() : attempts;
        skips = skips == null ? List.of() : skips;
        coolingStates = coolingStates == null ? List.of() : coolingStates;

        boolean anyAttempt = false;
        boolean allRateLimited = true;
        for (Attempt a : attempts) {
            if (FailureClassifier.CLIENT_CANCELLED.equals(a.reason())) {
                continue;
            }
            anyAttempt = true;
            if (!isRateLimit(a)) {
                allRateLimited = false;
            }
        }
        boolean anyWaitSkip = false;
        boolean anyCooling = false;
        for (Skip s : skips) {
            switch (s.reason()) {
                // another replica's probe settles within one request: worth a short wait, whatever the cause
                case Skip.NO_HEADROOM, Skip.PROBE_IN_FLIGHT -> anyWaitSkip = true;
                case Skip.COOLING_DOWN -> {
                    anyWaitSkip = true;
                    anyCooling = true;
                }
                default -> {
                }
            }
        }
        Long earliest = null;
        boolean anyActive = false;
        for (CooldownState st : coolingStates) {
            if (st == null || !st.activeAt(nowMs)) {
                continue;
            }
            anyActive = true;
            if (!st.rateLimited()) {
                allRateLimited = false;
            }
            long secs = st.secondsLeft(nowMs);
            earliest = earliest == null ? secs : Math.min(earliest, secs);
        }
        if (anyCooling && !anyActive) {
            // cooling for unknown reasons, or the cooldowns expired since resolution: no 429 for what is usable now
            allRateLimited = false;
            if (!coolingStates.isEmpty()) {
                earliest = 1L;
            }
        }
        if ((anyAttempt || anyWaitSkip) && allRateLimited) {
            return new Exhaustion(429, earliest == null ? 1L : Math.max(1L, earliest));
        }
        if (anyAttempt) {
            return new Exhaustion(502, null);
        }
        return new Exhaustion(503, earliest);
    }

    /**
     * One candidate left out of the chain or failed in it, as far as waiting for it goes.
     *
     * @param reason {@link Skip#COOLING_DOWN} (also for a failed candidate now cooling),
     *        {@link Skip#PROBE_IN_FLIGHT} or {@link Skip#NO_HEADROOM}
     * @param usableAtMs when every scope covering it has expired; null = unknown; {@code <= now} = usable now
     * @param rateLimited every running scope covering it was set by a rate limit
     */
    public record Wait(String reason, Long usableAtMs, boolean rateLimited) {
    }

    /**
     * The answer for an exhausted chain from its attempts and one {@link Wait} per candidate left out or
     * failed: 429 when every attempt and every wait is a rate limit and none is usable now; else 502 when
     * an upstream was tried and failed for another reason than a rate limit; else 503. Retry-After (all three) = seconds until the earliest
     * {@code usableAtMs}, at least 1; 1 when a candidate is usable now or a probe elsewhere will settle it;
     * absent when nothing is known.
     */
    public static Exhaustion decide(List<Attempt> attempts, List<Wait> waits, long nowMs) {
        attempts = attempts == null ? List.of() : attempts;
        waits = waits == null ? List.of() : waits;
        boolean anyAttempt = false;
        boolean allRateLimited = true;
        for (Attempt a : attempts) {
            if (FailureClassifier.CLIENT_CANCELLED.equals(a.reason())) {
                continue;
            }
            anyAttempt = true;
            allRateLimited &= isRateLimit(a);
        }
        boolean attemptsRateLimited = allRateLimited;
        boolean anyWait = false;
        boolean soon = false;
        Long earliestMs = null;
        for (Wait w : waits) {
            switch (w.reason()) {
                case Skip.PROBE_IN_FLIGHT -> soon = true; // neutral: neither a rate limit nor a failure
                case Skip.NO_HEADROOM -> anyWait = true;
                default -> {
                    anyWait = true;
                    if (w.usableAtMs() == null) {
                        allRateLimited = false; // unknown reason: do not promise a short wait
                    } else if (w.usableAtMs() <= nowMs) {
                        soon = true;
                        allRateLimited = false; // usable now: a 429 would be false
                    } else {
                        allRateLimited &= w.rateLimited();
                        earliestMs = earliestMs == null ? w.usableAtMs() : Math.min(earliestMs, w.usableAtMs());
                    }
                }
            }
        }
        Long retryAfter = soon ? Long.valueOf(1L)
                : earliestMs == null ? null : Math.max(1L, (earliestMs - nowMs + 999) / 1000);
        if ((anyAttempt || anyWait) && allRateLimited) {
            return new Exhaustion(429, retryAfter == null ? 1L : retryAfter);
        }
        if (anyAttempt && !(attemptsRateLimited && soon)) {
            return new Exhaustion(502, retryAfter);
        }
        // nothing failed for good: what was rate limited or cooling is usable again now or soon
        return new Exhaustion(503, retryAfter);
    }

    private static boolean isRateLimit(Attempt a) {
        return FailureClassifier.RATE_LIMITED.equals(a.reason())
                || (a.status() == 429 && !FailureClassifier.QUOTA_EXHAUSTED.equals(a.reason()));
    }

    /**
     * Active cooldown entries covering the given candidates (attempted ones, say) and the candidates behind
     * {@code cooling_down} / {@code probe_in_flight} skips, looked up in the catalog by provider name,
     * model and key label.
     */
    public static List<CooldownState> statesFor(CatalogIndex catalog, List<Candidate> attempted, List<Skip> skips,
            CooldownView view, long nowMs) {
        List<CooldownState> out = new ArrayList<>();
        if (view == null) {
            return out;
        }
        if (attempted != null) {
            for (Candidate c : attempted) {
                addActive(out, view, CooldownScope.all(c), nowMs);
            }
        }
        if (skips != null && catalog != null) {
            for (Skip s : skips) {
                if (!Skip.COOLING_DOWN.equals(s.reason()) && !Skip.PROBE_IN_FLIGHT.equals(s.reason())) {
                    continue;
                }
                var p = catalog.provider(s.provider());
                if (p == null) {
                    continue;
                }
                var info = catalog.model(p.id(), s.model());
                String upstream = info != null && info.upstreamName() != null && !info.upstreamName().isBlank()
                        ? info.upstreamName() : s.model();
                for (var k : p.keys()) {
                    if (Candidate.keyLabel(k).equals(s.keyLabel())) {
                        addActive(out, view, CooldownScope.all(new Candidate(p, s.model(), upstream, info, k, "", null)),
                                nowMs);
                    }
                }
            }
        }
        return out;
    }

    private static void addActive(List<CooldownState> out, CooldownView view, List<String> scopes, long nowMs) {
        for (String scope : scopes) {
            CooldownState st = view.get(scope);
            if (st != null && st.activeAt(nowMs) && !out.contains(st)) {
                out.add(st);
            }
        }
    }

    public int status() {
        return status;
    }

    /** Seconds for Retry-After, null when none applies. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public String toString() {
        return "Exhaustion[" + status + (retryAfterSeconds == null ? "" : ", retryAfter=" + retryAfterSeconds) + "]";
    }
}
