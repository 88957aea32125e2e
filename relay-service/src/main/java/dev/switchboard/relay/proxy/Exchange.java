package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.dialect.ExhaustionDetail;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.Admission;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidateQueue;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.routing.Exhaustion;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.FailureClassifier;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.usage.UsageRecorder;
import dev.switchboard.relay.tracing.RequestTrace;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One client request: admission → resolution → candidates tried in order within the retry budget →
 * finish. Runs on the request's event-loop context ({@link OnContext}), so its state needs no locking.
 * Before anything reaches the client a failing candidate is replaced invisibly (a stream's first event
 * is read before the commit); after the commit the {@link CommittedStream} takes over until the end.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    /** The one client request this exchange serves. */
    record ClientRequest(Endpoint endpoint, RequestBody body, ApiKeySnapshot key, String requestId,
            long startNanos, MultiMap headers, RequestTrace trace) {
    }

    private enum State { ADMITTING, ATTEMPTING, STREAMING, FINISHED }

    private final ClientRequest req;
    private final ClientReply reply;
    private final LimitService limits;
    private final ChainResolver resolver;
    private final CooldownService cooldowns;
    private final AttemptFactory attempts;
    private final Settlement settlement;
    private final RelayMetrics metrics;
    private final HopSettings settings;
    private final Vertx vertx;
    private final OnContext on;

    private State state = State.ADMITTING;
    private Admission admission;
    private String resolvedVia;
    private CandidateQueue queue;
    private int tries;
    private UpstreamAttempt current;
    private CommittedStream stream;
    private Candidate served;
    private final TokenCount tokens = new TokenCount();
    private TranslationException refusal;

    Exchange(ClientRequest req, HttpServerResponse out, LimitService limits, ChainResolver resolver,
            CooldownService cooldowns, AttemptFactory attempts, UsageRecorder usage,
            RelayMetrics metrics, HopSettings settings, Vertx vertx) {
        this.req = req;
        this.reply = new ClientReply(out, req.endpoint().dialect());
        this.limits = limits;
        this.resolver = resolver;
        this.cooldowns = cooldowns;
        this.attempts = attempts;
        this.settlement = new Settlement(req, metrics, usage);
        this.metrics = metrics;
        this.settings = settings;
        this.vertx = vertx;
        this.on = new OnContext(vertx.getOrCreateContext());
    }

    void start() {
        reply.out().closeHandler(v -> on.run(this::clientGone));
        long reserve = LimitService.metered(req.key())
                ? resolver.costCeiling(req.body(), req.key().group(), req.endpoint(), limits.reserveOutputTokens())
                : 0;
        limits.admit(req.key(), req.requestId(), reserve).subscribe().with(a -> on.run(() -> admitted(a)), err -> on.run(() -> {
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
            if (a.reservation() != null) {
                limits.release(a.reservation());
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
        switch (resolver.resolve(req.body().model(), group, req.endpoint(), startMs, LimitService.metered(req.key()))) {
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
            reply.exhausted(ex, req.body().model(), ExhaustionDetail.of(queue.attempts(), queue.skips()), tries);
            finish(ex.status());
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
        if (state != State.ATTEMPTING) {
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
            next();
        }
    }

    private void attempt(Candidate c) {
        UpstreamAttempt a;
        try {
            a = attempts.create(req, c, on);
        } catch (TranslationException e) {
            queue.untranslatable(c, e.getMessage());
            refusal = refusal == null ? e : refusal;
            next();
            return;
        }
        if (req.body().stream() && req.endpoint().streams()) {
            a.recordUpTo(StreamContinuation.MAX_RECORDED_CHARS);
        }
        tries++;
        current = a;
        a.start().onComplete(ar -> on.run(() -> decided(a, ar.result())));
    }

    private void decided(UpstreamAttempt a, AttemptResult result) {
        if (current != a || state != State.ATTEMPTING) {
            return; // the client left first; the attempt was cancelled and counted then
        }
        settlement.firstByte(a);
        switch (result) {
            case AttemptResult.Answered r -> answered(a, r);
            case AttemptResult.FirstEvent r -> streamStarted(a, r);
            case AttemptResult.Failed r -> failed(a, r.outcome(), r.contentType());
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
                failed(a, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, null, null), null);
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
        settlement.overhead();
        reply.out().end(body);
        finish(r.status());
    }

    private void streamStarted(UpstreamAttempt a, AttemptResult.FirstEvent r) {
        state = State.STREAMING;
        current = null;
        served = a.candidate();
        metrics.streamOpened();
        reply.served(served, 200, tries, a.translation() == null ? null : a.translation().direction());
        reply.startStream();
        queue.succeeded(served);
        stream = new CommittedStream(req, reply, queue, cooldowns, attempts, settlement, metrics, settings.maxStream(),
                vertx, on, this::finish);
        stream.start(a, r.pending());
    }

    private void failed(UpstreamAttempt a, AttemptOutcome outcome, String contentType) {
        Candidate c = a.candidate();
        CandidateQueue.Step step = queue.failed(c, outcome, (System.nanoTime() - a.startNanos()) / 1_000_000,
                System.currentTimeMillis());
        String reason = step.decision().reason();
        attemptDone(a, reason, step.cooled());
        if (step.kind() == CandidateQueue.Step.Kind.STOP) {
            finish(499);
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

    /** The classifier wants the upstream's own error in front of the client (a 400 about the request, say). */
    private void relayError(UpstreamAttempt a, AttemptOutcome outcome, String contentType) {
        served = a.candidate();
        finish(reply.relayed(served, outcome, contentType, a.translation(), tries));
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
        if (stream != null) {
            stream.cancel();
            return;
        }
        UpstreamAttempt a = current;
        if (a == null) {
            finish(499);
            return;
        }
        current = null; // what the cancelled upstream reports from now on is not this attempt's result
        a.cancel();
        failed(a, AttemptOutcome.of(AttemptOutcome.Kind.CLIENT_CANCELLED), null);
    }

    private void attemptDone(UpstreamAttempt a, String outcome) {
        attemptDone(a, outcome, null);
    }

    private void attemptDone(UpstreamAttempt a, String outcome, CooldownState cooled) {
        settlement.attemptDone(a, outcome, cooled);
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
        if (stream != null) {
            settlement.settle(status, admission, resolvedVia, stream.served(), stream.tokens(), tries + stream.tries());
        } else {
            settlement.settle(status, admission, resolvedVia, served, tokens, tries);
        }
    }
}
