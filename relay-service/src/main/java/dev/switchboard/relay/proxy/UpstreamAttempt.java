package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.translate.Splice;
import dev.switchboard.relay.translate.StreamTranslator;
import dev.switchboard.relay.upstream.SseScanner;
import dev.switchboard.relay.upstream.UpstreamClient;
import io.netty.handler.timeout.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One try against one candidate, up to the moment the exchange must decide: a whole answer, the first
 * event of a stream, or a failure with its outcome ({@link AttemptResult}, completed exactly once). Owns
 * its timers (first byte, then idle until the answer or the first event). A pooled connection the
 * upstream had closed before answering is re-sent on a fresh one (the keep-alive race), inside the same
 * attempt. After a {@link AttemptResult.FirstEvent} the {@link StreamRelay} takes the response over.
 */
final class UpstreamAttempt {

    private static final Logger LOG = Logger.getLogger(UpstreamAttempt.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final int MAX_JSON_BODY = 64 * 1024 * 1024;
    /** The pool may hold several connections the upstream closed at once; each stale one costs a re-send. */
    private static final int MAX_STALE_RETRIES = 3;

    /** What to send: the candidate, its dialect, the prepared body and the client's headers. */
    record Plan(Candidate candidate, Dialect dialect, String path, Buffer payload, MultiMap clientHeaders,
            String requestId, StreamTap.Feed feed, Translation translation) {

        /** A plan answered without any upstream call: {@code answer} is already in the client's dialect. */
        static Plan local(Candidate candidate, Dialect dialect, Buffer answer) {
            return new Plan(candidate, dialect, null, answer, null, null, StreamTap.Feed.RAW, null);
        }
    }

    private enum Phase { SENDING, READING, DECIDED }

    private final Plan plan;
    private final UpstreamClient client;
    private final HeadroomTracker headroom;
    private final OnContext on;
    private final QuietTimer timer;
    private final Promise<AttemptResult> result = Promise.promise();
    private final long startNanos = System.nanoTime();
    private Phase phase = Phase.SENDING;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private StreamTap tap;
    private SseScanner scanner;
    private Buffer pending;
    private long firstByteNanos = -1;
    private Runnable afterDecision;
    private int recordChars;
    private StreamTranslator splice;

    UpstreamAttempt(Plan plan, UpstreamClient client, HeadroomTracker headroom, QuietTimer timer, OnContext on) {
        this.plan = plan;
        this.client = client;
        this.headroom = headroom;
        this.timer = timer;
        this.on = on;
    }

    Future<AttemptResult> start() {
        if (plan.path() == null) { // local: nothing goes upstream
            firstByteNanos = 0;
            decide(new AttemptResult.Answered(200, "application/json", plan.payload()));
            return result.future();
        }
        headroom.onRequest(plan.candidate().key());
        send(0);
        return result.future();
    }

    /** Whether the answer was made here, without the upstream (a token count estimate). */
    boolean local() {
        return plan.path() == null;
    }

    Candidate candidate() {
        return plan.candidate();
    }

    /** The dialect the upstream answers in. */
    Dialect dialect() {
        return plan.dialect();
    }

    /** The translation of this attempt, null when the candidate speaks the client's protocol. */
    Translation translation() {
        return plan.translation();
    }

    long startNanos() {
        return startNanos;
    }

    /** Nanoseconds from the start to the first response byte (headers of a JSON answer, first event of a stream); -1 before. */
    long firstByteNanos() {
        return firstByteNanos;
    }

    /** Keeps up to {@code maxChars} of the stream's events for a continuation ({@link StreamTap#record}). */
    void recordUpTo(int maxChars) {
        recordChars = maxChars;
    }

    /** A continuation: the stream is written into the client's running stream by {@code translator}. */
    void spliceWith(StreamTranslator translator) {
        splice = translator;
    }

    /** Ends the upstream exchange (the client left, or the answer is no longer wanted). */
    void cancel() {
        timer.cancel();
        if (request != null) {
            request.reset();
        }
    }

    /** After a {@link AttemptResult.FirstEvent}: the live response, its scanner and tap, for the stream relay. */
    HttpClientResponse response() {
        return response;
    }

    /** After the decision: what to do when the connection fails (the stream relay's cut). */
    void onConnectionError(Runnable r) {
        afterDecision = r;
    }

    QuietTimer timer() {
        return timer;
    }

    SseScanner scanner() {
        return scanner;
    }

    StreamTap tap() {
        return tap;
    }

    private void send(int staleRetries) {
        ProviderSnapshot provider = plan.candidate().provider();
        client.open(provider, plan.candidate().key(), plan.path(), plan.clientHeaders(), plan.requestId())
                .onComplete(ar -> on.run(() -> {
                    if (phase == Phase.DECIDED) {
                        if (ar.succeeded()) {
                            ar.result().reset();
                        }
                        return;
                    }
                    if (ar.failed()) {
                        fail(AttemptOutcome.of(connectKind(ar.cause())));
                        return;
                    }
                    HttpClientRequest req = ar.result();
                    request = req;
                    req.exceptionHandler(err -> on.run(() -> {
                        if (phase == Phase.DECIDED) {
                            if (afterDecision != null) {
                                afterDecision.run();
                            }
                        } else if (!resentStale(err, staleRetries)) {
                            fail(AttemptOutcome.of(response == null ? afterWrite(err) : AttemptOutcome.Kind.STREAM_ERROR));
                        }
                    }));
                    timer.arm(provider.timeouts().firstByteMs(), AttemptOutcome.Kind.FIRST_BYTE_TIMEOUT,
                            () -> fail(AttemptOutcome.of(AttemptOutcome.Kind.FIRST_BYTE_TIMEOUT)));
                    req.response().onComplete(rar -> on.run(() -> {
                        if (phase == Phase.DECIDED) {
                            return;
                        }
                        if (rar.failed()) {
                            if (!resentStale(rar.cause(), staleRetries)) {
                                fail(AttemptOutcome.of(afterWrite(rar.cause())));
                            }
                        } else {
                            onResponse(rar.result());
                        }
                    }));
                    req.end(plan.payload());
                }));
    }

    /** A pooled connection the upstream closed before any response byte: re-send on a fresh connection. */
    private boolean resentStale(Throwable err, int staleRetries) {
        if (staleRetries >= MAX_STALE_RETRIES || response != null || !(err instanceof HttpClosedException)) {
            return false;
        }
        timer.cancel();
        request = null;
        LOG.debugf("upstream closed a pooled connection before answering; re-sending %s", plan.candidate().label());
        send(staleRetries + 1);
        return true;
    }

    private void onResponse(HttpClientResponse resp) {
        phase = Phase.READING;
        response = resp;
        Map<String, String> headers = lowerCase(resp.headers());
        headroom.observe(plan.candidate().key(), plan.dialect().rateLimits(headers));
        int status = resp.statusCode();
        String contentType = resp.getHeader("content-type");
        if (status < 200 || status >= 300) {
            readError(resp, status, contentType, headers);
        } else if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            readFirstEvent(resp);
        } else {
            readAnswer(resp, status, contentType);
        }
    }

    private void readError(HttpClientResponse resp, int status, String contentType, Map<String, String> headers) {
        Buffer err = Buffer.buffer();
        resp.handler(chunk -> {
            if (err.length() < MAX_ERROR_BODY) {
                err.appendBuffer(chunk);
            }
        });
        resp.exceptionHandler(e -> on.run(() -> fail(AttemptOutcome.http(status, err.toString(), headers))));
        resp.endHandler(v -> on.run(() -> decide(new AttemptResult.Failed(
                AttemptOutcome.http(status, err.toString(), headers), contentType))));
    }

    private void readAnswer(HttpClientResponse resp, int status, String contentType) {
        firstByteNanos = System.nanoTime() - startNanos;
        armIdle();
        Buffer whole = Buffer.buffer();
        resp.handler(chunk -> {
            timer.touch();
            whole.appendBuffer(chunk);
            if (whole.length() > MAX_JSON_BODY) {
                resp.request().reset();
            }
        });
        resp.exceptionHandler(e -> on.run(() -> fail(AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR))));
        resp.endHandler(v -> on.run(() -> decide(new AttemptResult.Answered(status, contentType, whole))));
    }

    /**
     * Holds the bytes until the first content-bearing event (text, thinking, a tool call, a finish) says
     * whether this upstream really serves: a role-only chunk, a ping or a {@code message_start} commits
     * nothing, an error or unreadable event before it fails the attempt over unseen, and so does a first
     * token later than {@code timeouts.firstTokenMs} after the headers.
     */
    private void readFirstEvent(HttpClientResponse resp) {
        tap = splice != null ? new StreamTap(plan.dialect(), StreamTap.Feed.TRANSLATED, splice)
                : new StreamTap(plan.dialect(), plan.feed(), plan.translation() == null ? null : plan.translation().stream());
        if (recordChars > 0) {
            tap.record(new Splice.Recording(recordChars));
        }
        scanner = new SseScanner(tap, tap.needsRaw());
        tap.attach(scanner);
        pending = Buffer.buffer();
        resp.handler(chunk -> {
            if (phase == Phase.DECIDED) {
                return;
            }
            scanner.feed(chunk);
            pending.appendBuffer(tap.rewrites() ? tap.drain() : tap.cut(chunk));
            if (!tap.sawEvent()) {
                return;
            }
            if (tap.firstIsError()) {
                fail(new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, tap.firstData(), Map.of()));
            } else if (tap.malformed()) {
                fail(AttemptOutcome.of(AttemptOutcome.Kind.MALFORMED_EVENT));
            } else if (tap.sawContent()) {
                firstByteNanos = System.nanoTime() - startNanos;
                decide(new AttemptResult.FirstEvent(pending));
            }
        });
        resp.exceptionHandler(e -> on.run(() -> fail(AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR))));
        // the upstream ended before any content
        resp.endHandler(v -> on.run(() -> fail(
                new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, pending.toString(), Map.of()))));
        timer.arm(plan.candidate().provider().timeouts().firstTokenMs(), AttemptOutcome.Kind.FIRST_TOKEN_TIMEOUT,
                () -> fail(AttemptOutcome.of(AttemptOutcome.Kind.FIRST_TOKEN_TIMEOUT)));
    }

    private void armIdle() {
        timer.arm(plan.candidate().provider().timeouts().idleMs(), AttemptOutcome.Kind.IDLE_TIMEOUT,
                () -> fail(AttemptOutcome.of(AttemptOutcome.Kind.IDLE_TIMEOUT)));
    }

    /** Decides first, then resets the upstream request: the reset's own exception must not count as the outcome. */
    private void fail(AttemptOutcome outcome) {
        if (phase == Phase.DECIDED) {
            return;
        }
        boolean reset = request != null && outcome.kind() != AttemptOutcome.Kind.HTTP_ERROR;
        decide(new AttemptResult.Failed(outcome, null));
        if (reset) {
            request.reset();
        }
    }

    private void decide(AttemptResult r) {
        if (phase == Phase.DECIDED) {
            return;
        }
        phase = Phase.DECIDED;
        if (!(r instanceof AttemptResult.FirstEvent)) {
            timer.cancel();
        }
        result.complete(r);
    }

    /**
     * A failure once the connection was up and the request written: a reset or close is a failure of this
     * attempt (provider+model scope), not of the provider's reachability; a timeout stays a timeout.
     */
    private static AttemptOutcome.Kind afterWrite(Throwable err) {
        AttemptOutcome.Kind k = connectKind(err);
        return k == AttemptOutcome.Kind.CONNECT_TIMEOUT ? k : AttemptOutcome.Kind.RESET_AFTER_WRITE;
    }

    private static AttemptOutcome.Kind connectKind(Throwable err) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("upstream attempt failed before a response: %s", err == null ? null : err.getClass().getName());
        }
        if (err instanceof TimeoutException || err instanceof io.netty.channel.ConnectTimeoutException
                || (err != null && err.getClass().getSimpleName().contains("Timeout"))) {
            return AttemptOutcome.Kind.CONNECT_TIMEOUT;
        }
        if (err instanceof ConnectException) {
            return AttemptOutcome.Kind.CONNECT_ERROR;
        }
        return AttemptOutcome.Kind.CONNECT_ERROR;
    }

    private static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> m = new HashMap<>();
        headers.forEach(e -> m.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return m;
    }
}
