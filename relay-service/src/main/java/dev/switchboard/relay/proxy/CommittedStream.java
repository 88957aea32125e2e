package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidateQueue;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.routing.Continuation;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.FailureClassifier;
import dev.switchboard.relay.translate.TranslationException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * A stream after its commit, until its end: forwarded by a {@link StreamRelay}; ended regularly, for running too
 * long, or — when it breaks — continued on the next candidate that can continue it ({@link StreamContinuation}:
 * its own attempts from the request's queue and budget, spliced into the client's stream), else ended with the
 * error event naming the original failure. Runs on the exchange's context; reports the status once.
 */
final class CommittedStream {

    private static final Logger LOG = Logger.getLogger(CommittedStream.class);

    private final Exchange.ClientRequest req;
    private final ClientReply reply;
    private final CandidateQueue queue;
    private final CooldownService cooldowns;
    private final AttemptFactory attempts;
    private final Settlement settlement;
    private final RelayMetrics metrics;
    private final Duration maxStream;
    private final Vertx vertx;
    private final OnContext on;
    private final IntConsumer finished;

    private UpstreamAttempt current;
    private StreamRelay relay;
    private StreamContinuation continuation;
    private Candidate served;
    private StreamTap tap;
    private int tries;
    private boolean over;

    CommittedStream(Exchange.ClientRequest req, ClientReply reply, CandidateQueue queue, CooldownService cooldowns,
            AttemptFactory attempts, Settlement settlement, RelayMetrics metrics, Duration maxStream, Vertx vertx,
            OnContext on, IntConsumer finished) {
        this.req = req;
        this.reply = reply;
        this.queue = queue;
        this.cooldowns = cooldowns;
        this.attempts = attempts;
        this.settlement = settlement;
        this.metrics = metrics;
        this.maxStream = maxStream;
        this.vertx = vertx;
        this.on = on;
        this.finished = finished;
    }

    /** The attempt whose first event committed the response; {@code pending} has not been written yet. */
    void start(UpstreamAttempt a, Buffer pending) {
        served = a.candidate();
        tap = a.tap();
        forward(a, pending);
    }

    /** The candidate that served last (the continuation's, when one went on). */
    Candidate served() {
        return served;
    }

    /** Attempts made after the commit (continuations). */
    int tries() {
        return tries;
    }

    /** What the request is billed for: the served stream's tokens, plus a broken attempt's when continued. */
    TokenCount tokens() {
        return continuation != null ? continuation.total(tap) : tap.tokens();
    }

    /** The client left: the attempt in flight is cancelled and counted as such. */
    void cancel() {
        UpstreamAttempt a = current;
        if (over) {
            return;
        }
        if (a == null) { // between a break and its continuation
            finish(499);
            return;
        }
        current = null;
        if (relay != null) {
            relay.cancel();
        } else {
            a.cancel();
        }
        CandidateQueue.Step step = queue.failed(a.candidate(), AttemptOutcome.of(AttemptOutcome.Kind.CLIENT_CANCELLED),
                elapsedMs(a), System.currentTimeMillis());
        settlement.attemptDone(a, step.decision().reason());
        finish(499);
    }

    private void forward(UpstreamAttempt a, Buffer pending) {
        current = a;
        relay = new StreamRelay(a, reply.out(), vertx, on, end -> ended(a, end));
        long limitMs = maxStream.toMillis();
        relay.start(pending, limitMs - (System.nanoTime() - req.startNanos()) / 1_000_000, limitMs > 0);
    }

    private void ended(UpstreamAttempt a, StreamRelay.End end) {
        if (a.tap().droppedMalformed() > 0) {
            metrics.droppedEvents("malformed", a.tap().droppedMalformed());
        }
        switch (end) {
            case StreamRelay.End.Completed c -> {
                done(a, "ok");
                reply.out().end();
                finish(200);
            }
            case StreamRelay.End.TooLong t -> {
                done(a, "max_stream");
                LOG.infof("stream ended after the maximum duration of %s", maxStream);
                reply.endStream(tap.nextSequence(), "stream_max_duration", "The stream ran longer than the gateway's "
                        + "maximum of " + maxStream.toSeconds() + " s and was ended; the response is incomplete", true);
                finish(504);
            }
            case StreamRelay.End.Broken b when continuation != null && continuation.diverged() -> {
                metrics.continuation("diverged");
                done(a, "diverged");
                endContinued(true);
            }
            case StreamRelay.End.Broken b -> broke(a, b.outcome(), b.errorForwarded());
        }
    }

    /** A committed stream broke: continued where it can be, else ended with the error event, never a silent 200. */
    private void broke(UpstreamAttempt a, AttemptOutcome outcome, boolean errorForwarded) {
        relay = null;
        CandidateQueue.Step step = queue.failed(a.candidate(), outcome, elapsedMs(a), System.currentTimeMillis());
        done(a, step.decision().reason(), step.cooled());
        boolean idle = outcome.kind() == AttemptOutcome.Kind.IDLE_TIMEOUT;
        boolean inBand = a.tap().brokenBy() != null;
        String code = idle ? "upstream_idle_timeout" : inBand ? "upstream_stream_error" : "upstream_stream_interrupted";
        String message = idle ? "The upstream stopped sending events; the stream was ended by the gateway"
                : inBand ? "The upstream reported an error mid-stream; the response is incomplete"
                : "The upstream connection failed mid-stream; the response is incomplete";
        if (continuation == null && !errorForwarded) {
            continuation = StreamContinuation.of(req, a, code, message);
            if (continuation != null) {
                continueStream();
                return;
            }
            metrics.continuation("not_continuable");
        }
        reply.endStream(tap.nextSequence(), code, message, !errorForwarded);
        finish(502);
    }

    private void continueStream() {
        Continuation next = queue.continuation(System.currentTimeMillis());
        if (next == null) {
            metrics.continuation("failed");
            endContinued(false);
            return;
        }
        Candidate c = next.candidate();
        if (c.probeScope() != null) { // a half-open candidate: only the request that wins its probe tries it
            cooldowns.tryAcquireProbe(c.probeScope()).subscribe().with(
                    won -> on.run(() -> probed(c, Boolean.TRUE.equals(won))), err -> on.run(() -> probed(c, false)));
        } else {
            attempt(c);
        }
    }

    private void probed(Candidate c, boolean won) {
        if (over) {
            if (won) { // the client left while the lock was being taken: give the probe back at once
                cooldowns.onFailure(c, new FailoverDecision(FailoverDecision.Action.STOP, null, null,
                        FailureClassifier.CLIENT_CANCELLED, false));
            }
        } else if (won) {
            attempt(c);
        } else {
            queue.probeLost(c);
            continueStream();
        }
    }

    private void attempt(Candidate c) {
        UpstreamAttempt a;
        try {
            a = continuation.attempt(attempts, c, on);
        } catch (TranslationException e) {
            queue.untranslatable(c, e.getMessage());
            continueStream();
            return;
        }
        tries++;
        current = a;
        a.start().onComplete(ar -> on.run(() -> decided(a, ar.result())));
    }

    private void decided(UpstreamAttempt a, AttemptResult result) {
        if (current != a || over) {
            return; // the client left first; the attempt was cancelled and counted then
        }
        switch (result) {
            case AttemptResult.FirstEvent r -> spliced(a, r);
            case AttemptResult.Answered r -> // not a stream: nothing to splice
                failedBeforeFirstEvent(a, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, null, null));
            case AttemptResult.Failed r -> failedBeforeFirstEvent(a, r.outcome());
        }
    }

    /** A continuation that failed before its first event never shows: the next one, or the original failure. */
    private void failedBeforeFirstEvent(UpstreamAttempt a, AttemptOutcome outcome) {
        CandidateQueue.Step step = queue.failed(a.candidate(), outcome, elapsedMs(a), System.currentTimeMillis());
        done(a, step.decision().reason(), step.cooled());
        if (step.kind() == CandidateQueue.Step.Kind.STOP) {
            finish(499);
        } else {
            continueStream();
        }
    }

    private void spliced(UpstreamAttempt a, AttemptResult.FirstEvent r) {
        served = a.candidate();
        tap = a.tap();
        if (continuation.diverged()) { // it began with other text: the original failure went out instead
            metrics.continuation("diverged");
            done(a, "diverged");
            a.cancel();
            reply.out().write(r.pending());
            endContinued(true);
            return;
        }
        metrics.continuation("continued");
        queue.succeeded(served);
        forward(a, r.pending());
    }

    /** The continuation did not get through: the client is told the original failure. */
    private void endContinued(boolean errorWritten) {
        reply.endStream(tap.nextSequence(), continuation.code(), continuation.message(), !errorWritten);
        finish(502);
    }

    private void done(UpstreamAttempt a, String outcome) {
        done(a, outcome, null);
    }

    private void done(UpstreamAttempt a, String outcome, CooldownState cooled) {
        settlement.attemptDone(a, outcome, cooled);
        if (current == a) {
            current = null;
        }
    }

    private void finish(int status) {
        if (!over) {
            over = true;
            finished.accept(status);
        }
    }

    private static long elapsedMs(UpstreamAttempt a) {
        return (System.nanoTime() - a.startNanos()) / 1_000_000;
    }
}
