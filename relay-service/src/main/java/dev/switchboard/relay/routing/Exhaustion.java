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
 * Static skips (disabled, not_allowed, protocol_mismatch, duplicate, unknown_target, no_keys) do not
 * count either way.
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
        for (CooldownState st : coolingStates) {
            if (st == null || !st.activeAt(nowMs)) {
                continue;
            }
            if (!st.rateLimited()) {
                allRateLimited = false;
            }
            long secs = st.secondsLeft(nowMs);
            earliest = earliest == null ? secs : Math.min(earliest, secs);
        }
        if (anyCooling && coolingStates.isEmpty()) {
            allRateLimited = false; // cooling for unknown reasons: do not promise a short wait
        }
        if ((anyAttempt || anyWaitSkip) && allRateLimited) {
            return new Exhaustion(429, earliest == null ? 1L : Math.max(1L, earliest));
        }
        if (anyAttempt) {
            return new Exhaustion(502, null);
        }
        return new Exhaustion(503, earliest);
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
