package dev.switchboard.relay.routing;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One request's view of its candidate chain: which candidate to try next, what a failed attempt means
 * for the rest of the chain, and the answer when nothing is left. Made by {@link FailoverPlanner#open};
 * confined to one request (the hop's event-loop context), so it needs no locking.
 *
 * <p>The hop's loop:
 * <pre>
 * for (Candidate c = q.next(now); c != null; c = q.next(now)) {
 *     if (c.probeScope() != null &amp;&amp; !lockWon(c.probeScope())) { q.probeLost(c); continue; }
 *     outcome = send(c);                        // timeouts: c.provider().timeouts()
 *     if (ok) { q.succeeded(c); return; }
 *     Step s = q.failed(c, outcome, durationMs, now);
 *     RETRY_SAME: wait s.delay(), send c again on a fresh connection (the attempt is already taken)
 *     NEXT: loop;   RELAY: relay this upstream answer unchanged;   STOP: the client left, end
 * }
 * Exhaustion ex = q.exhaustion(now);            // status, Retry-After; q.attempts(), q.skips() for the body
 * </pre>
 * After the first byte of a stream went out, a failure is still reported with {@link #failed}; then
 * {@link #continuation} says where to continue it (null = end the stream with the original failure).
 *
 * <p>Invariants:
 * <ul>
 * <li>one failure, one scope: once an attempt's failure cooled a scope, every remaining candidate covered
 * by it (provider, provider_model, key, key_model) is skipped as {@code cooling_down} without an attempt;
 * so is a candidate whose scope another request or replica cooled since resolution;</li>
 * <li>a candidate whose probe another holder owns is skipped as {@code probe_in_flight}, its attempt
 * refunded, and the other candidates of the same probe scope are skipped without asking for the lock;</li>
 * <li>every attempt — first tries, same-candidate retries, continuations — comes from the one
 * {@link RetryBudget}; skips cost nothing.</li>
 * </ul>
 */
public final class CandidateQueue {

    private final List<Candidate> chain;
    private final List<Skip> resolutionSkips;
    private final CatalogIndex catalog;
    private final CooldownView view;
    private final CooldownSink sink;
    private final FailureClassifier classifier;
    private final SameCandidateRetry retry;
    private final RetryBudget budget;
    private final int maxContinuations;
    private final Consumer<Skip> onSkip;

    private int nextIndex;
    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Skip> skips;
    /** Scopes cooled by this request's failures; the value is the entry set, null when unknown. */
    private final Map<String, CooldownState> cooledHere = new LinkedHashMap<>();
    private final Set<String> lostProbes = new HashSet<>();
    private final Map<String, Integer> retries = new HashMap<>();
    /** Candidates this queue skipped as cooling or that failed: the waits of {@link #exhaustion}. */
    private final List<Candidate> blocked = new ArrayList<>();
    private Integer minContextWindow;
    private int continuations;

    CandidateQueue(Resolution resolution, CatalogIndex catalog, CooldownView view, CooldownSink sink,
            FailureClassifier classifier, SameCandidateRetry retry, RetryBudget budget, int maxContinuations,
            Consumer<Skip> onSkip) {
        this.chain = new ArrayList<>(resolution.candidates());
        this.resolutionSkips = resolution.skipped();
        this.skips = new ArrayList<>(resolution.skipped());
        this.catalog = catalog;
        this.view = view == null ? CooldownView.NONE : view;
        this.sink = sink == null ? CooldownSink.NONE : sink;
        this.classifier = classifier;
        this.retry = retry;
        this.budget = budget;
        this.maxContinuations = maxContinuations;
        this.onSkip = onSkip == null ? s -> { } : onSkip;
    }

    /**
     * The next candidate to send, with one attempt taken from the budget; null when the chain, the attempt
     * count or the deadline is exhausted (then ask {@link #exhaustion}). Candidates covered by a running
     * cooldown, by a probe another holder owns, or too small for a prompt refused as too long are skipped
     * (recorded, reported to the skip listener, no attempt taken).
     */
    public Candidate next(long nowMs) {
        while (nextIndex < chain.size()) {
            Candidate c = chain.get(nextIndex);
            if (skipped(c, nowMs)) {
                nextIndex++;
                continue;
            }
            if (!budget.tryAcquire(nowMs)) {
                return null; // left in place: it was not tried, and is not a skip
            }
            nextIndex++;
            return c;
        }
        return null;
    }

    /**
     * The hop did not win the probe lock of {@code c.probeScope()}: another request or replica is probing
     * it. Records a {@code probe_in_flight} skip and gives the attempt back; the other candidates of that
     * probe scope are skipped without asking again.
     */
    public void probeLost(Candidate c) {
        budget.refund();
        if (c.probeScope() != null) {
            lostProbes.add(c.probeScope());
        }
        skip(c, Skip.PROBE_IN_FLIGHT, c.probeScope());
    }

    /**
     * The hop could not send {@code c}: it speaks the other protocol and the request uses what its translation
     * cannot express. Records an {@code untranslatable} skip and gives the attempt back.
     */
    public void untranslatable(Candidate c, String why) {
        budget.refund();
        skip(c, Skip.UNTRANSLATABLE, why);
    }

    /** The attempt on {@code c} succeeded: clears its half-open scopes and ends its probe. */
    public void succeeded(Candidate c) {
        sink.onSuccess(c);
    }

    /**
     * A failed attempt on {@code c} (before or after the commit): classifies it, records it, writes the
     * cooldown (unless the attempt is retried on the same candidate) and says what to do.
     *
     * @param durationMs time the attempt took (reported in the exhaustion body)
     */
    public Step failed(Candidate c, AttemptOutcome outcome, long durationMs, long nowMs) {
        FailoverDecision d = classifier.classify(outcome, c, nowMs);
        attempts.add(new Attempt(c.provider().name(), c.model(), c.keyLabel(), outcome.status(), d.reason(),
                durationMs));
        if (d.action() == FailoverDecision.Action.STOP) {
            if (c.probeScope() != null) {
                sink.onFailure(c, d); // cools nothing; releases the probe lock at once
            }
            return new Step(Step.Kind.STOP, d, null);
        }
        String id = identity(c);
        int retried = retries.getOrDefault(id, 0);
        Duration wait = retry == null ? null : retry.delay(c, outcome, d, retried, budget.remainingMs(nowMs));
        if (wait != null && budget.tryAcquire(nowMs + wait.toMillis())) {
            retries.put(id, retried + 1);
            return new Step(Step.Kind.RETRY_SAME, d, wait); // no cooldown yet: the retry's outcome decides
        }
        CooldownState cooled = null;
        if (d.scope() != null || c.probeScope() != null) {
            cooled = sink.onFailure(c, d);
        }
        if (d.scope() != null) {
            String scope = d.scope().of(c);
            CooldownState known = cooledHere.get(scope);
            cooledHere.put(scope, later(known, cooled));
        }
        blocked.add(c);
        if (d.action() == FailoverDecision.Action.RELAY) {
            if (FailureClassifier.CONTEXT_LENGTH_EXCEEDED.equals(d.reason()) && c.contextWindow() != null) {
                int window = c.contextWindow();
                minContextWindow = minContextWindow == null ? window : Math.max(minContextWindow, window);
                if (budget.canAcquire(nowMs) && largerAhead(nowMs)) {
                    return new Step(Step.Kind.NEXT, d, null, cooled);
                }
            }
            return new Step(Step.Kind.RELAY, d, null, cooled);
        }
        return new Step(Step.Kind.NEXT, d, null, cooled);
    }

    /**
     * Where to continue a stream that broke after its first byte went out (call {@link #failed} for the
     * break first): the next usable candidate that accepts a prefill, else the next usable one (to be
     * restarted and spliced only on an exact prefix match). Takes an attempt. Null when
     * {@code failover.max-continuations} were made, or no candidate or budget is left: then the stream
     * ends with an error event naming the original failure.
     */
    public Continuation continuation(long nowMs) {
        if (continuations >= maxContinuations) {
            return null;
        }
        for (int i = nextIndex; i < chain.size(); i++) {
            Candidate c = chain.get(i);
            if (c.acceptsPrefill() && usable(c, nowMs)) {
                chain.remove(i);
                chain.add(nextIndex, c); // the prefill-capable one goes first; the ones passed over stay queued
                break;
            }
        }
        Candidate c = next(nowMs);
        if (c == null) {
            return null;
        }
        continuations++;
        return new Continuation(c, c.acceptsPrefill() ? Continuation.Mode.PREFILL
                : Continuation.Mode.RESTART_MATCHING_PREFIX, continuations);
    }

    /** The answer for the exhausted chain (see {@link Exhaustion#decide}). */
    public Exhaustion exhaustion(long nowMs) {
        List<Exhaustion.Wait> waits = new ArrayList<>();
        for (Skip s : resolutionSkips) {
            switch (s.reason()) {
                case Skip.COOLING_DOWN -> {
                    for (Candidate c : candidatesOf(s)) {
                        waits.add(waitFor(c, nowMs, true));
                    }
                }
                case Skip.NO_HEADROOM -> waits.add(new Exhaustion.Wait(Skip.NO_HEADROOM, null, true));
                default -> {
                }
            }
        }
        for (int i = resolutionSkips.size(); i < skips.size(); i++) {
            if (Skip.PROBE_IN_FLIGHT.equals(skips.get(i).reason())) {
                waits.add(new Exhaustion.Wait(Skip.PROBE_IN_FLIGHT, null, false));
            }
        }
        for (Candidate c : blocked) {
            Exhaustion.Wait w = waitFor(c, nowMs, false);
            if (w != null) {
                waits.add(w);
            }
        }
        return Exhaustion.decide(attempts, waits, nowMs);
    }

    /** Every attempt so far (failed ones; a success is not listed), in order. */
    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The resolution's skips followed by the ones made while going through the chain. */
    public List<Skip> skips() {
        return List.copyOf(skips);
    }

    /** Attempts taken from the budget, the one in flight included. */
    public int attemptsUsed() {
        return budget.used();
    }

    public RetryBudget budget() {
        return budget;
    }

    // ---- skipping ----

    private boolean skipped(Candidate c, long nowMs) {
        String cooling = coveringScope(c, nowMs);
        if (cooling != null) {
            blocked.add(c);
            CooldownState st = state(cooling);
            skip(c, Skip.COOLING_DOWN, (st == null ? "cooled by this request" : st.reason() + ", "
                    + st.secondsLeft(nowMs) + "s left") + " (" + cooling + ")");
            return true;
        }
        if (c.probeScope() != null && lostProbes.contains(c.probeScope())) {
            skip(c, Skip.PROBE_IN_FLIGHT, c.probeScope());
            return true;
        }
        if (minContextWindow != null && !larger(c)) {
            skip(c, Skip.CONTEXT_TOO_SMALL, "context window " + c.contextWindow() + " is not larger than "
                    + minContextWindow);
            return true;
        }
        return false;
    }

    private boolean usable(Candidate c, long nowMs) {
        return coveringScope(c, nowMs) == null && (c.probeScope() == null || !lostProbes.contains(c.probeScope()))
                && (minContextWindow == null || larger(c));
    }

    private boolean larger(Candidate c) {
        Integer w = c.contextWindow();
        return w != null && w > minContextWindow;
    }

    private boolean largerAhead(long nowMs) {
        for (int i = nextIndex; i < chain.size(); i++) {
            if (usable(chain.get(i), nowMs)) {
                return true;
            }
        }
        return false;
    }

    /** A scope covering c that this request cooled, or that is running in the view; null = none. */
    private String coveringScope(Candidate c, long nowMs) {
        for (String scope : CooldownScope.all(c)) {
            if (cooledHere.containsKey(scope)) {
                return scope;
            }
            CooldownState st = view.get(scope);
            if (st != null && st.activeAt(nowMs)) {
                return scope;
            }
        }
        return null;
    }

    private CooldownState state(String scope) {
        return later(cooledHere.get(scope), view.get(scope));
    }

    private void skip(Candidate c, String reason, String detail) {
        Skip s = new Skip(c.provider().name(), c.model(), c.keyLabel(), reason, detail);
        skips.add(s);
        onSkip.accept(s);
    }

    // ---- waits ----

    /**
     * When c becomes usable: the latest deadline among the running scopes covering it.
     *
     * @param skippedAtResolution a skipped candidate with nothing running any more is usable now; a failed
     *        one with nothing running is no wait at all (its failure cooled nothing)
     */
    private Exhaustion.Wait waitFor(Candidate c, long nowMs, boolean skippedAtResolution) {
        long until = 0;
        boolean any = false;
        boolean rateLimited = true;
        boolean unknown = false;
        for (String scope : CooldownScope.all(c)) {
            CooldownState st = state(scope);
            if (st != null && st.activeAt(nowMs)) {
                any = true;
                until = Math.max(until, st.untilEpochMs());
                rateLimited &= st.rateLimited();
            } else if (st == null && cooledHere.containsKey(scope)) {
                unknown = true; // cooled here, entry not known
            }
        }
        if (any) {
            return new Exhaustion.Wait(Skip.COOLING_DOWN, until, rateLimited && !unknown);
        }
        if (unknown) {
            return new Exhaustion.Wait(Skip.COOLING_DOWN, null, false);
        }
        boolean skippedHere = !attemptedOnce(c);
        return skippedAtResolution || skippedHere ? new Exhaustion.Wait(Skip.COOLING_DOWN, nowMs, false) : null;
    }

    private boolean attemptedOnce(Candidate c) {
        String provider = c.provider().name();
        String label = c.keyLabel();
        for (Attempt a : attempts) {
            if (a.provider().equals(provider) && a.model().equals(c.model())
                    && java.util.Objects.equals(a.keyLabel(), label)) {
                return true;
            }
        }
        return false;
    }

    /** The candidates behind a resolution-time skip (one per key, or every key when the skip names none). */
    private List<Candidate> candidatesOf(Skip s) {
        List<Candidate> out = new ArrayList<>(1);
        if (catalog == null || s.provider() == null) {
            return out;
        }
        ProviderSnapshot p = catalog.provider(s.provider());
        if (p == null) {
            return out;
        }
        var info = catalog.model(p.id(), s.model());
        String upstream = info != null && info.upstreamName() != null && !info.upstreamName().isBlank()
                ? info.upstreamName() : s.model();
        for (ProviderKeySnapshot k : p.keys()) {
            if (s.keyLabel() == null || Candidate.keyLabel(k).equals(s.keyLabel())) {
                out.add(new Candidate(p, s.model(), upstream, info, k, "", null));
            }
        }
        return out;
    }

    private static CooldownState later(CooldownState a, CooldownState b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.untilEpochMs() > a.untilEpochMs() ? b : a;
    }

    private static String identity(Candidate c) {
        return c.provider().id() + "/" + c.upstreamModel() + "/" + (c.key() == null ? "-" : c.key().id());
    }

    /**
     * What the hop does after a failed attempt.
     *
     * @param decision the classification (reason for metrics and logs)
     * @param delay for {@link Kind#RETRY_SAME}: the pause before the retry; null otherwise
     * @param cooled the cooldown this failure set or extended, null when it cooled nothing
     */
    public record Step(Kind kind, FailoverDecision decision, Duration delay, CooldownState cooled) {

        Step(Kind kind, FailoverDecision decision, Duration delay) {
            this(kind, decision, delay, null);
        }

        public enum Kind {
            /** wait {@code delay}, then send the same candidate again on a fresh connection (attempt taken) */
            RETRY_SAME,
            /** call {@link CandidateQueue#next} (or {@link CandidateQueue#continuation} after the commit) */
            NEXT,
            /** relay this upstream answer to the client unchanged */
            RELAY,
            /** the client went away: stop at once */
            STOP
        }
    }
}
