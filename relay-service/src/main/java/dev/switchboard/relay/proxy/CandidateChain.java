package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.ExhaustionDetail;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.Attempt;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CatalogIndex;
import dev.switchboard.relay.routing.CooldownView;
import dev.switchboard.relay.routing.Exhaustion;
import dev.switchboard.relay.routing.Resolution;
import dev.switchboard.relay.routing.RetryBudget;
import dev.switchboard.relay.routing.Skip;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidates of one exchange in resolution order, the retry budget they are tried within, and the
 * record of what happened to each (attempts and skips), which an exhausted chain reports.
 */
final class CandidateChain {

    /** The answer for an exhausted chain, in the words the client gets. */
    record Exhausted(int status, String code, String message, Long retryAfterSeconds, ExhaustionDetail detail) {
    }

    private final Resolution resolution;
    private final CatalogIndex index;
    private final RetryBudget budget;
    private final RelayMetrics metrics;
    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Skip> skips = new ArrayList<>();
    private int next;

    CandidateChain(Resolution resolution, CatalogIndex index, RetryBudget budget, RelayMetrics metrics) {
        this.resolution = resolution;
        this.index = index;
        this.budget = budget;
        this.metrics = metrics;
        skips.addAll(resolution.skipped());
        resolution.skipped().forEach(skip -> metrics.skip(skip.reason()));
    }

    /** Whether nothing at all may serve because the group may use none of the targets. */
    boolean onlyNotAllowed() {
        return resolution.candidates().isEmpty() && !skips.isEmpty()
                && skips.stream().allMatch(k -> Skip.NOT_ALLOWED.equals(k.reason()));
    }

    /** The next candidate to try, null when the chain or the budget is used up. */
    Candidate next(long nowMs) {
        if (next < resolution.candidates().size() && budget.tryAcquire(nowMs)) {
            return resolution.candidates().get(next++);
        }
        return null;
    }

    /** Another request or replica holds the candidate's half-open probe. */
    void probeBusy(Candidate c) {
        skips.add(new Skip(c.provider().name(), c.model(), c.keyLabel(), Skip.PROBE_IN_FLIGHT, c.probeScope()));
        metrics.skip(Skip.PROBE_IN_FLIGHT);
    }

    /** The candidate speaks the other protocol and the request uses what it cannot express: nothing was sent. */
    void untranslatable(Candidate c, String why) {
        skips.add(new Skip(c.provider().name(), c.model(), c.keyLabel(), Skip.UNTRANSLATABLE, why));
        metrics.skip(Skip.UNTRANSLATABLE);
    }

    void failed(Candidate c, int status, String reason, long durationMs) {
        attempts.add(new Attempt(c.provider().name(), c.model(), c.keyLabel(), status, reason, durationMs));
    }

    Exhausted exhausted(String model, CooldownView cooldowns, long nowMs) {
        Exhaustion ex = Exhaustion.of(attempts, skips, Exhaustion.statesFor(index, null, skips, cooldowns, nowMs), nowMs);
        ExhaustionDetail detail = ExhaustionDetail.of(attempts, skips);
        return switch (ex.status()) {
            case 429 -> new Exhausted(429, "rate_limited", "Every upstream for '" + model + "' is rate limited; retry later",
                    ex.retryAfterSeconds(), detail);
            case 502 -> new Exhausted(502, "upstream_failed", "Every upstream for '" + model + "' failed",
                    ex.retryAfterSeconds(), detail);
            default -> new Exhausted(ex.status(), "no_upstream_available",
                    "No upstream is available for '" + model + "' right now", ex.retryAfterSeconds(), detail);
        };
    }
}
