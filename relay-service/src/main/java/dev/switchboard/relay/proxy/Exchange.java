package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.ExhaustionDetail;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.Admission;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidateQueue;
import dev.switchboard.relay.routing.Exhaustion;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.FailureClassifier;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.usage.UsageRecord;
import dev.switchboard.relay.usage.UsageRecorder;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.translate.Translator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One client request: admission → resolution → candidates tried in order within the retry budget →
 * finish. Runs on the request's event-loop context ({@link OnContext}), so its state needs no locking.
 * Before anything reaches the client a failing candidate is replaced invisibly (a stream's first event
 * is read before the commit); after the commit the {@link StreamRelay} forwards, and a broken upstream
 * ends the stream with an explicit error event.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    /** The one client request this exchange serves. */
    record ClientRequest(Endpoint endpoint, RequestBody body, ApiKeySnapshot key, String requestId,
            long startNanos, MultiMap headers) {
    }

    /** CONTINUING: a committed stream broke and a continuation attempt is under way (see {@link StreamContinuation}). */
    private enum State { ADMITTING, ATTEMPTING, STREAMING, CONTINUING, FINISHED }

    private final ClientRequest req;
    private final ClientReply reply;
    private final LimitService limits;
    private final ChainResolver resolver;
    private final CooldownService cooldowns;
    private final AttemptFactory attempts;
    private final UsageRecorder usage;
    private final RelayMetrics metrics;
    private final HopSettings settings;
    private final Vertx vertx;
    private final OnContext on;

    private State state = State.ADMITTING;
    private Admission admission;
    private String resolvedVia;
    private CandidateQueue queue;
    private int tries;
    private long upstreamNanos;
    private UpstreamAttempt current;
    private StreamRelay relay;
    private Candidate served;
    private final TokenCount tokens = new TokenCount();
    private StreamTap streamTap;
    private TranslationException refusal;
    private Long ttfbMs;
    private StreamContinuation continuation;

    Exchange(ClientRequest req, HttpServerResponse out, LimitService limits, ChainResolver resolver,
            CooldownService cooldowns, AttemptFactory attempts, UsageRecorder usage,
            RelayMetrics metrics, HopSettings settings, Vertx vertx) {
        this.req = req;
        this.reply = new ClientReply(out, req.endpoint().dialect());
        this.limits = limits;
        this.resolver = resolver;
        this.cooldowns = cooldowns;
        this.attempts = attempts;
        this.usage = usage;
        this.metrics = metrics;
        this.settings = settings;
        this.vertx = vertx;
        this.on = new OnContext(vertx.getOrCreateContext());
    }

    void start() {
        reply.out().closeHandler(v -> on.run(this::clientGone));
        limits.admit(req.key(), req.requestId()).subscribe().with(a -> on.run(() -> admitted(a)), err -> on.run(() -> {
            LOG.warnf("admission failed: %s", err.getClass().getSimpleName());
            fail(503, "limits_unavailable", "Limits could not be checked; retry shortly", null, null);
        }));
    }

    // ---------------------------------------------------------------- admission and resolution

    private void admitted(Admission a) {
        MDC.put("requestId", req.requestId());
        if (state == State.FINISHED) {
            if (a.lease() != null) {
                a.lease().release(); // the client left while admission was running: give the slot back at once
            }
            return;
        }
        admission = a;
        if (!a.allowed()) {
            var r = a.refusal();
            fail(r.status(), r.code(), r.message(), r.retryAfterSeconds(), null);
            return;
        }
        long startMs = System.currentTimeMillis() - (System.nanoTime() - req.startNanos()) / 1_000_000;
        GroupSnapshot group = a.group() != null ? a.group() : req.key().group();
        switch (resolver.resolve(req.body().model(), group, req.endpoint(), startMs)) {
            case ChainResolver.Result.Refused r -> fail(r.status(), r.code(), r.message(), r.retryAfterSeconds(), null);
            case ChainResolver.Result.Chain c -> {
                queue = c.queue();
                resolvedVia = c.resolvedVia();
                state = State.ATTEMPTING;
                next();
            }
        }
    }

    // ---------------------------------------------------------------- the failover loop

    private void next() {
        if (state != State.ATTEMPTING) {
            return;
        }
        Candidate c = queue.next(System.currentTimeMillis());
        if (c == null && refusal != null && tries == 0) { // every candidate that could serve would need what it cannot translate
            reply.refused(refusal.status(), refusal, req.endpoint().dialect());
            finish(refusal.status());
        } else if (c == null) {
            Exhaustion ex = queue.exhaustion(System.currentTimeMillis());
            String model = req.body().model();
            ExhaustionDetail detail = ExhaustionDetail.of(queue.attempts(), queue.skips());
            switch (ex.status()) {
                case 429 -> fail(429, "rate_limited", "Every upstream for '" + model + "' is rate limited; retry later",
                        ex.retryAfterSeconds(), detail);
                case 502 -> fail(502, "upstream_failed", "Every upstream for '" + model + "' failed",
                        ex.retryAfterSeconds(), detail);
                default -> fail(ex.status(), "no_upstream_available", "No upstream is available for '" + model
                        + "' right now", ex.retryAfterSeconds(), detail);
            }
        } else {
            launch(c);
        }
    }

    /** A half-open candidate is tried only by the one request across the replicas that wins its probe. */
    private void launch(Candidate c) {
        if (c.probeScope() != null) {
            cooldowns.tryAcquireProbe(c.probeScope()).subscribe().with(
                    won -> on.run(() -> probed(c, Boolean.TRUE.equals(won))), err -> on.run(() -> probed(c, false)));
        } else {
            attempt(c);
        }
    }

    private void probed(Candidate c, boolean won) {
        if (state != State.ATTEMPTING && state != State.CONTINUING) {
            if (won) { // the client left while the lock was being taken: give the probe back at once
                cooldowns.onFailure(c, new FailoverDecision(FailoverDecision.Action.STOP, null, null,
                        FailureClassifier.CLIENT_CANCELLED, false));
            }
            return;
        }
        if (won) {
            attempt(c);
        } else {
            queue.probeLost(c);
            if (state == State.CONTINUING) {
                continueStream();
            } else {
                next();
            }
        }
    }

    private void attempt(Candidate c) {
        UpstreamAttempt a;
        try {
            a = continuation != null ? continuation.attempt(attempts, c, on) : attempts.create(req, c, on);
        } catch (TranslationException e) {
            queue.untranslatable(c, e.getMessage());
            if (continuation != null) {
                continueStream();
                return;
            }
            refusal = refusal == null ? e : refusal;
            next();
            return;
        }
        if (continuation == null && req.body().stream() && req.endpoint().streams()) {
            a.recordUpTo(StreamContinuation.MAX_RECORDED_CHARS);
        }
        tries++;
        current = a;
        a.start().onComplete(ar -> on.run(() -> decided(a, ar.result())));
    }

    private void decided(UpstreamAttempt a, AttemptResult result) {
        if (current != a || (state != State.ATTEMPTING && state != State.CONTINUING)) {
            return; // the client left first; the attempt was cancelled and counted then
        }
        ttfb(a);
        switch (result) {
            case AttemptResult.Answered r when state == State.CONTINUING -> // not a stream: cannot be spliced
                failed(a, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, null, null), null, false);
            case AttemptResult.Answered r -> answered(a, r);
            case AttemptResult.FirstEvent r -> streamStarted(a, r);
            case AttemptResult.Failed r -> failed(a, r.outcome(), r.contentType(), false);
        }
    }

    private void answered(UpstreamAttempt a, AttemptResult.Answered r) {
        Translation t = a.translation();
        Buffer body = r.body();
        String contentType = r.contentType() == null ? "application/json" : r.contentType();
        if (t == null) {
            a.dialect().readAnswerUsage(body.getBytes(), tokens);
        } else {
            try {
                body = t.answer(body, tokens);
                contentType = "application/json";
            } catch (TranslationException e) { // an answer the client's dialect cannot carry: try the next
                failed(a, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, null, null), null, false);
                return;
            }
        }
        attemptDone(a, "ok");
        served = a.candidate();
        queue.succeeded(served);
        reply.served(served, r.status(), tries, t == null ? null : t.direction());
        if (a.local()) {
            reply.out().putHeader("x-switchboard-token-count", "estimate");
        }
        reply.out().putHeader("content-type", contentType);
        metrics.overhead(req.endpoint().tag(), System.nanoTime() - req.startNanos() - upstreamNanos);
        reply.out().end(body);
        finish(r.status());
    }

    private void streamStarted(UpstreamAttempt a, AttemptResult.FirstEvent r) {
        boolean spliced = state == State.CONTINUING;
        state = State.STREAMING;
        served = a.candidate();
        streamTap = a.tap();
        if (spliced && continuation.diverged()) { // it began with other text: the original failure went out instead
            metrics.continuation("diverged");
            attemptDone(a, "diverged");
            a.cancel();
            reply.out().write(r.pending());
            endContinued(true);
            return;
        } else if (spliced) {
            metrics.continuation("continued");
        } else {
            metrics.streamOpened();
            reply.served(served, 200, tries, a.translation() == null ? null : a.translation().direction());
            reply.startStream();
        }
        queue.succeeded(served);
        relay = new StreamRelay(a, reply.out(), vertx, on, end -> streamEnded(a, end));
        long limitMs = settings.maxStream().toMillis();
        relay.start(r.pending(), limitMs - (System.nanoTime() - req.startNanos()) / 1_000_000, limitMs > 0);
    }

    private void streamEnded(UpstreamAttempt a, StreamRelay.End end) {
        if (a.tap().droppedMalformed() > 0) {
            metrics.droppedEvents("malformed", a.tap().droppedMalformed());
        }
        switch (end) {
            case StreamRelay.End.Completed c -> {
                attemptDone(a, "ok");
                reply.out().end();
                finish(200);
            }
            case StreamRelay.End.TooLong t -> {
                attemptDone(a, "max_stream");
                LOG.infof("stream ended after the maximum duration of %s", settings.maxStream());
                reply.endStream(streamTap.nextSequence(), "stream_max_duration", "The stream ran longer than the gateway's maximum of "
                        + settings.maxStream().toSeconds() + " s and was ended; the response is incomplete", true);
                finish(504);
            }
            case StreamRelay.End.Broken b when continuation != null && continuation.diverged() -> {
                metrics.continuation("diverged");
                attemptDone(a, "diverged");
                endContinued(true);
            }
            case StreamRelay.End.Broken b -> failed(a, b.outcome(), null, b.errorForwarded());
        }
    }

    private void failed(UpstreamAttempt a, AttemptOutcome outcome, String contentType, boolean errorForwarded) {
        Candidate c = a.candidate();
        CandidateQueue.Step step = queue.failed(c, outcome, (System.nanoTime() - a.startNanos()) / 1_000_000,
                System.currentTimeMillis());
        String reason = step.decision().reason();
        attemptDone(a, reason);
        if (step.kind() == CandidateQueue.Step.Kind.STOP) {
            finish(499);
        } else if (state == State.STREAMING || state == State.CONTINUING) { // after the first byte: never a silent truncated 200
            broken(a, outcome, errorForwarded);
        } else if (step.kind() == CandidateQueue.Step.Kind.RELAY) {
            relayError(a, outcome, contentType);
        } else if (step.kind() == CandidateQueue.Step.Kind.RETRY_SAME) {
            metrics.failover(c.provider().name(), "retry_same:" + reason);
            LOG.debugf("attempt %s failed (%s), retrying it in %s", c.label(), reason, step.delay());
            vertx.setTimer(Math.max(1, step.delay().toMillis()), id -> on.run(() -> {
                if (state == State.ATTEMPTING && current == null) {
                    attempt(c);
                }
            }));
        } else {
            metrics.failover(c.provider().name(), reason);
            LOG.debugf("attempt %s failed (%s), trying the next candidate", c.label(), reason);
            next();
        }
    }

    /**
     * A committed stream broke (or its continuation failed before its first event): continued on the next
     * candidate that can continue it, else ended with an error event naming the original failure.
     */
    private void broken(UpstreamAttempt a, AttemptOutcome outcome, boolean errorForwarded) {
        relay = null;
        if (state == State.CONTINUING) { // the continuation failed before its first event
            continueStream();
            return;
        }
        boolean idle = outcome.kind() == AttemptOutcome.Kind.IDLE_TIMEOUT;
        boolean inBand = a.tap() != null && a.tap().brokenBy() != null;
        String code = idle ? "upstream_idle_timeout" : inBand ? "upstream_stream_error" : "upstream_stream_interrupted";
        String message = idle ? "The upstream stopped sending events; the stream was ended by the gateway"
                : inBand ? "The upstream reported an error mid-stream; the response is incomplete"
                : "The upstream connection failed mid-stream; the response is incomplete";
        if (continuation == null && !errorForwarded) {
            continuation = StreamContinuation.of(req, a, code, message);
            if (continuation != null) {
                state = State.CONTINUING;
                continueStream();
                return;
            }
            metrics.continuation("not_continuable");
        }
        reply.endStream(streamTap.nextSequence(), code, message, !errorForwarded);
        finish(502);
    }

    private void continueStream() {
        var next = queue.continuation(System.currentTimeMillis());
        if (next == null) {
            metrics.continuation("failed");
            endContinued(false);
        } else {
            launch(next.candidate());
        }
    }

    /** The continuation did not get through: the client is told the original failure. */
    private void endContinued(boolean errorWritten) {
        reply.endStream(streamTap.nextSequence(), continuation.code(), continuation.message(), !errorWritten);
        finish(502);
    }

    /** The classifier wants the upstream's own error in front of the client (a 400 about the request, say). */
    private void relayError(UpstreamAttempt a, AttemptOutcome outcome, String contentType) {
        served = a.candidate();
        HttpServerResponse out = reply.out();
        int status = outcome.status() == 0 ? 502 : outcome.status();
        String body = outcome.body() == null ? "" : outcome.body();
        Translation t = a.translation();
        if (t != null) { // in the client's shape
            Translator.TranslatedError te = t.error(status, body);
            status = te.status();
            body = te.body();
            contentType = null;
        }
        reply.served(served, status, tries, t == null ? null : t.direction());
        out.putHeader("content-type", contentType == null || outcome.status() == 0 ? "application/json" : contentType);
        out.end(body);
        finish(out.getStatusCode());
    }

    // ---------------------------------------------------------------- endings

    private void fail(int status, String code, String message, Long retryAfter, ExhaustionDetail detail) {
        if (state == State.FINISHED) {
            return;
        }
        reply.error(status, code, message, retryAfter, detail, tries);
        finish(status);
    }

    private void clientGone() {
        if (state == State.FINISHED) {
            return;
        }
        UpstreamAttempt a = current;
        if (a == null) {
            finish(499);
            return;
        }
        current = null; // what the cancelled upstream reports from now on is not this attempt's result
        if (relay != null) {
            relay.cancel();
        } else {
            a.cancel();
        }
        failed(a, AttemptOutcome.of(AttemptOutcome.Kind.CLIENT_CANCELLED), null, false);
    }

    private void ttfb(UpstreamAttempt a) {
        if (ttfbMs == null && a.firstByteNanos() >= 0) {
            ttfbMs = a.firstByteNanos() / 1_000_000;
            metrics.ttfb(a.candidate().provider().name(), a.firstByteNanos());
        }
    }

    private void attemptDone(UpstreamAttempt a, String outcome) {
        long n = System.nanoTime() - a.startNanos();
        upstreamNanos += n;
        metrics.upstream(a.candidate().provider().name(), outcome, n);
        if (current == a) {
            current = null;
        }
    }

    private void finish(int status) {
        if (state == State.FINISHED) {
            return;
        }
        boolean streamed = state == State.STREAMING;
        state = State.FINISHED;
        if (streamed) {
            metrics.streamClosed();
        }
        long latencyMs = (System.nanoTime() - req.startNanos()) / 1_000_000;
        metrics.request(req.endpoint().tag(), served == null ? "none" : served.model(),
                served == null ? "none" : served.provider().name(), status);
        Admission a = admission;
        if (a != null && a.allowed()) {
            if (a.lease() != null) {
                a.lease().release();
            }
            TokenCount used = continuation != null ? continuation.total(streamTap)
                    : streamTap != null ? streamTap.tokens() : tokens;
            try {
                usage.record(new UsageRecord(req.requestId(), req.key(), a.group(), req.body().model(),
                        resolvedVia, served, used.prompt(),
                        used.completion(), status, tries, latencyMs, ttfbMs));
            } catch (RuntimeException e) {
                LOG.warnf("usage record failed: %s", e.getClass().getSimpleName());
            }
        }
        LOG.debugf("request finished: status=%d attempts=%d latency=%dms", status, tries, latencyMs);
    }
}
