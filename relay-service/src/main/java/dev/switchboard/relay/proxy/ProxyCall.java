package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.limits.Admission;
import dev.switchboard.relay.limits.Lease;
import dev.switchboard.relay.limits.Refusal;
import dev.switchboard.relay.routing.Attempt;
import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CatalogIndex;
import dev.switchboard.relay.routing.CooldownScope;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.routing.Exhaustion;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.Resolution;
import dev.switchboard.relay.routing.ResolveRequest;
import dev.switchboard.relay.routing.RetryBudget;
import dev.switchboard.relay.routing.Skip;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.SseScanner;
import dev.switchboard.relay.usage.UsageRecord;
import io.netty.handler.timeout.TimeoutException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One proxied request: admission → resolution → candidates tried in order within the retry budget.
 * Runs on the request's event-loop context; every callback hops back onto it, so the state needs no
 * locking. Before the first byte reaches the client a failing candidate is replaced invisibly (for
 * streams the upstream's first SSE event is read before the response is committed); after it, a
 * broken upstream ends the stream with an explicit error event.
 */
final class ProxyCall {

    private static final Logger LOG = Logger.getLogger(ProxyCall.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final int MAX_JSON_BODY = 64 * 1024 * 1024;
    /** The pool may hold several connections the upstream closed at once; each stale one costs a re-send. */
    private static final int MAX_STALE_RETRIES = 3;

    private final ProxyService s;
    private final RoutingContext rc;
    private final HttpServerResponse out;
    private final Endpoint endpoint;
    private final Protocol protocol;
    private final RequestBody body;
    private final ApiKeySnapshot key;
    private final String requestId;
    private final long startNanos;
    private final Context ctx;
    private final Vertx vertx;

    private Admission admission;
    private Resolution resolution;
    private CatalogIndex index;
    private RetryBudget budget;
    private int nextCandidate;
    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Skip> skips = new ArrayList<>();
    private int tries;
    private long upstreamNanos;
    private Candidate served;
    private Long ttfbMs;
    private long promptTokens;
    private long completionTokens;
    private boolean committed;
    private boolean finished;
    private Try current;
    private boolean streamCounted;
    private boolean clientGone;
    /** OpenAI chat stream: the upstream is asked for a final usage chunk ({@code stream_options.include_usage}). */
    private final boolean askUsage;
    /** ... and the tenant did not ask for it, so that usage-only chunk is left out of the client's stream. */
    private final boolean hideUsage;
    private long maxStreamTimer = -1;

    ProxyCall(ProxyService s, RoutingContext rc, Endpoint endpoint, RequestBody body, ApiKeySnapshot key,
            String requestId, long startNanos) {
        this.s = s;
        this.rc = rc;
        this.out = rc.response();
        this.endpoint = endpoint;
        this.protocol = endpoint.protocol();
        this.body = body;
        this.key = key;
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.vertx = s.vertx;
        this.ctx = vertx.getOrCreateContext();
        this.askUsage = s.streamUsage && endpoint == Endpoint.CHAT && body.stream() && body.canAskUsage();
        this.hideUsage = askUsage && !body.clientAskedUsage();
    }

    // ---------------------------------------------------------------- admission and resolution

    void start() {
        out.closeHandler(v -> onClientGone());
        s.limits.admit(key, requestId).subscribe().with(
                a -> on(() -> admitted(a)),
                err -> on(() -> {
                    LOG.warnf("admission failed: %s", err.getClass().getSimpleName());
                    fail(503, "limits_unavailable", "Limits could not be checked; retry shortly", null, null);
                }));
    }

    private void admitted(Admission a) {
        MDC.put("requestId", requestId);
        if (finished) {
            // the client left while admission was running: give the slot back at once
            if (a.lease() != null) {
                a.lease().release();
            }
            return;
        }
        admission = a;
        if (!a.allowed()) {
            Refusal r = a.refusal();
            fail(r.status(), r.code(), r.message(), r.retryAfterSeconds(), null);
            return;
        }
        CatalogHolder.Loaded loaded = s.catalog.current();
        if (loaded == null) {
            fail(503, "catalog_unavailable", "The model catalog is not loaded yet; retry shortly", 1L, null);
            return;
        }
        index = loaded.index();
        GroupSnapshot group = a.group() != null ? a.group() : key.group();
        long now = System.currentTimeMillis();
        resolution = loaded.resolver().resolve(new ResolveRequest(body.model(), group, protocol.wire(), s.cooldowns,
                s.headroom, now));
        countRouteHit();
        skips.addAll(resolution.skipped());
        for (Skip skip : resolution.skipped()) {
            s.metrics.skip(skip.reason());
        }
        if (!resolution.known()) {
            fail(404, "model_not_found", "The model '" + body.model() + "' does not exist or you do not have access to it",
                    null, null);
            return;
        }
        if (resolution.candidates().isEmpty() && !skips.isEmpty()
                && skips.stream().allMatch(k -> "not_allowed".equals(k.reason()))) {
            fail(403, "model_not_allowed", "Your API key's group may not use the model '" + body.model() + "'",
                    null, null);
            return;
        }
        budget = new RetryBudget(s.maxAttempts, now + s.deadline.toMillis());
        next();
    }

    private void countRouteHit() {
        String via = resolution.resolvedVia();
        if (via != null && via.startsWith("route:")) {
            index.route(body.model()).map(RouteSnapshot::id).ifPresent(s.routeHits::hit);
        }
    }

    // ---------------------------------------------------------------- the failover loop

    private void next() {
        if (finished) {
            return;
        }
        while (nextCandidate < resolution.candidates().size()) {
            Candidate c = resolution.candidates().get(nextCandidate++);
            if (!budget.tryAcquire(System.currentTimeMillis())) {
                break;
            }
            if (c.probeScope() != null) {
                s.cooldowns.tryAcquireProbe(c.probeScope()).subscribe().with(
                        won -> on(() -> probed(c, Boolean.TRUE.equals(won))),
                        err -> on(() -> probed(c, false)));
                return;
            }
            send(c);
            return;
        }
        exhausted();
    }

    private void probed(Candidate c, boolean won) {
        if (finished) {
            if (won) {
                // the client left while the lock was being taken: give the probe back at once
                s.cooldowns.onFailure(c, new FailoverDecision(FailoverDecision.Action.STOP, null, null,
                        "client_cancelled", false));
            }
            return;
        }
        if (won) {
            send(c);
        } else {
            skips.add(new Skip(c.provider().name(), c.model(), c.keyLabel(), "probe_in_flight", c.probeScope()));
            s.metrics.skip("probe_in_flight");
            next();
        }
    }

    /** One attempt against one candidate. */
    private final class Try {
        final Candidate c;
        final long t0 = System.nanoTime();
        boolean done;
        long timer = -1;
        HttpClientRequest req;
        HttpClientResponse resp;
        SseScanner scanner;
        /** Bytes for the client not written yet: before the commit all of them; when filtering, the kept events. */
        Buffer pending;
        boolean firstEvent;
        boolean terminal;
        boolean errorEvent;
        String firstEventData;
        int staleRetries;

        Try(Candidate c) {
            this.c = c;
        }

        long lastActivity = System.nanoTime();
        AttemptOutcome.Kind timerKind;

        /** (Re)starts the timer: fails the attempt with {@code kind} after {@code ms} without {@link #touch()}. */
        void arm(long ms, AttemptOutcome.Kind kind) {
            lastActivity = System.nanoTime();
            if (timer >= 0 && timerKind == kind) {
                return; // already watching for this kind: touch() keeps it from firing
            }
            disarm();
            timerKind = kind;
            if (ms > 0) {
                schedule(ms, ms);
            }
        }

        /** Marks activity without touching the timer: one timer per attempt instead of one per chunk. */
        void touch() {
            lastActivity = System.nanoTime();
        }

        private void schedule(long delayMs, long limitMs) {
            timer = vertx.setTimer(Math.max(1, delayMs), id -> on(() -> {
                if (done || timer != id) {
                    return;
                }
                long quietMs = (System.nanoTime() - lastActivity) / 1_000_000;
                if (quietMs >= limitMs) {
                    timer = -1;
                    failed(this, AttemptOutcome.of(timerKind));
                } else {
                    schedule(limitMs - quietMs, limitMs);
                }
            }));
        }

        void disarm() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }

    private void send(Candidate c) {
        send(c, 0);
    }

    /**
     * @param staleRetries how many times this candidate was re-sent because the upstream closed a pooled
     *        keep-alive connection before answering (the keep-alive race): same candidate, no new attempt counted
     */
    private void send(Candidate c, int staleRetries) {
        Try t = new Try(c);
        t.staleRetries = staleRetries;
        current = t;
        if (staleRetries == 0) {
            tries++;
            s.headroom.onRequest(c.key());
        }
        ProviderSnapshot.Timeouts timeouts = c.provider().timeouts();
        Buffer payload = body.forUpstream(c.upstreamModel(), askUsage);
        s.upstream.open(c.provider(), c.key(), endpoint.path(), rc.request().headers(), requestId)
                .onComplete(ar -> on(() -> {
                    if (t.done) {
                        if (ar.succeeded()) {
                            ar.result().reset();
                        }
                        return;
                    }
                    if (ar.failed()) {
                        failed(t, AttemptOutcome.of(connectKind(ar.cause())));
                        return;
                    }
                    HttpClientRequest req = ar.result();
                    t.req = req;
                    req.exceptionHandler(err -> on(() -> {
                        if (!t.done && !retriedStale(t, err)) {
                            failed(t, AttemptOutcome.of(t.resp == null ? connectKind(err) : AttemptOutcome.Kind.STREAM_ERROR));
                        }
                    }));
                    t.arm(timeouts.firstByteMs(), AttemptOutcome.Kind.FIRST_BYTE_TIMEOUT);
                    req.response().onComplete(rar -> on(() -> {
                        if (t.done) {
                            return;
                        }
                        if (rar.failed()) {
                            if (!retriedStale(t, rar.cause())) {
                                failed(t, AttemptOutcome.of(connectKind(rar.cause())));
                            }
                        } else {
                            onResponse(t, rar.result());
                        }
                    }));
                    req.end(payload);
                }));
    }

    /** A pooled connection the upstream closed before any response byte: re-send once on a fresh connection. */
    private boolean retriedStale(Try t, Throwable err) {
        if (t.staleRetries >= MAX_STALE_RETRIES || t.resp != null || !(err instanceof io.vertx.core.http.HttpClosedException) || clientGone) {
            return false;
        }
        t.done = true;
        t.disarm();
        LOG.debugf("upstream closed a pooled connection before answering; re-sending %s once", t.c.label());
        send(t.c, t.staleRetries + 1);
        return true;
    }

    private static AttemptOutcome.Kind connectKind(Throwable err) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("upstream attempt failed before a response: %s: %s", err == null ? null : err.getClass().getName(),
                    err == null ? null : err.getMessage());
        }
        if (err instanceof TimeoutException || err instanceof io.netty.channel.ConnectTimeoutException
                || (err != null && err.getClass().getSimpleName().contains("Timeout"))) {
            return AttemptOutcome.Kind.CONNECT_TIMEOUT;
        }
        if (err instanceof ConnectException || err instanceof java.nio.channels.ClosedChannelException
                || err instanceof java.net.UnknownHostException) {
            return AttemptOutcome.Kind.CONNECT_ERROR;
        }
        return AttemptOutcome.Kind.CONNECT_ERROR;
    }

    private void onResponse(Try t, HttpClientResponse resp) {
        t.resp = resp;
        Map<String, String> headers = lowerCase(resp.headers());
        s.headroom.observe(t.c.key(), headers);
        int status = resp.statusCode();
        String contentType = resp.getHeader("content-type");
        ProviderSnapshot.Timeouts timeouts = t.c.provider().timeouts();
        if (status < 200 || status >= 300) {
            Buffer err = Buffer.buffer();
            resp.handler(chunk -> {
                if (err.length() < MAX_ERROR_BODY) {
                    err.appendBuffer(chunk);
                }
            });
            resp.exceptionHandler(e -> on(() -> {
                if (!t.done) {
                    failed(t, AttemptOutcome.http(status, err.toString(), headers));
                }
            }));
            resp.endHandler(v -> on(() -> {
                if (!t.done) {
                    failed(t, new AttemptOutcome(AttemptOutcome.Kind.HTTP_ERROR, status, err.toString(), headers),
                            contentType);
                }
            }));
            return;
        }
        boolean sse = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        if (!sse) {
            ttfb(t);
            t.arm(timeouts.idleMs(), AttemptOutcome.Kind.IDLE_TIMEOUT);
            Buffer whole = Buffer.buffer();
            resp.handler(chunk -> {
                t.touch();
                whole.appendBuffer(chunk);
                if (whole.length() > MAX_JSON_BODY) {
                    resp.request().reset();
                }
            });
            resp.exceptionHandler(e -> on(() -> {
                if (!t.done) {
                    failed(t, AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR));
                }
            }));
            resp.endHandler(v -> on(() -> {
                if (!t.done) {
                    succeededJson(t, status, contentType, whole);
                }
            }));
            return;
        }
        // SSE: hold the bytes until the first complete event says whether this upstream really serves
        // when a usage-only chunk must be left out, bytes go to the client event by event (onEvent keeps them)
        t.pending = Buffer.buffer();
        t.scanner = new SseScanner((event, data, raw) -> onEvent(t, event, data, raw), hideUsage);
        resp.handler(chunk -> {
            if (t.done) {
                return;
            }
            if (!committed) {
                if (!hideUsage) {
                    t.pending.appendBuffer(chunk);
                }
                t.scanner.feed(chunk);
                if (t.done || !t.firstEvent) {
                    return;
                }
                commitStream(t);
            } else {
                t.scanner.feed(chunk);
                if (t.done || out.closed()) {
                    return;
                }
                Buffer toWrite = chunk;
                if (hideUsage) {
                    toWrite = t.pending;
                    t.pending = Buffer.buffer();
                }
                if (toWrite.length() > 0) {
                    out.write(toWrite);
                    if (out.writeQueueFull()) {
                        resp.pause();
                        out.drainHandler(v -> resp.resume());
                    }
                }
            }
            if (!t.done) {
                t.arm(timeouts.idleMs(), AttemptOutcome.Kind.IDLE_TIMEOUT);
            }
        });
        resp.exceptionHandler(e -> on(() -> {
            if (!t.done) {
                failed(t, AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR));
            }
        }));
        resp.endHandler(v -> on(() -> {
            if (t.done) {
                return;
            }
            if (!committed) {
                // the upstream ended before a single complete event
                failed(t, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, t.pending.toString(), Map.of()));
            } else if (t.terminal && !t.errorEvent) {
                streamSucceeded(t);
            } else {
                failed(t, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, null, Map.of()));
            }
        }));
    }

    private void onEvent(Try t, String event, String data, Buffer raw) {
        if (!t.firstEvent) {
            t.firstEvent = true;
            ttfb(t);
            t.firstEventData = data;
            if (Endpoint.isError(event, data)) {
                t.errorEvent = true;
                failed(t, new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, data, Map.of()));
                return;
            }
        } else if (Endpoint.isError(event, data)) {
            t.errorEvent = true; // already forwarded to the client as it came
        }
        if (endpoint.isTerminal(event, data)) {
            t.terminal = true;
        }
        JsonNode usageDoc = data != null && hasUsageObject(data) ? parse(data) : null;
        if (usageDoc != null) {
            readUsage(usageDoc);
        }
        if (raw != null && !(hideUsage && usageOnly(usageDoc))) {
            t.pending.appendBuffer(raw);
        }
    }

    /** An OpenAI chunk that carries usage and no choice: the one {@code include_usage} adds at the end. */
    private static boolean usageOnly(JsonNode doc) {
        if (doc == null) {
            return false;
        }
        JsonNode choices = doc.path("choices");
        return !choices.isArray() || choices.isEmpty();
    }

    /** Whether the text has a {@code "usage"} member whose value is an object (not the {@code "usage":null} of every chunk). */
    static boolean hasUsageObject(String data) {
        int i = data.indexOf("\"usage\"");
        while (i >= 0) {
            int j = i + 7;
            while (j < data.length() && Character.isWhitespace(data.charAt(j))) {
                j++;
            }
            if (j < data.length() && data.charAt(j) == ':') {
                j++;
                while (j < data.length() && Character.isWhitespace(data.charAt(j))) {
                    j++;
                }
                if (j < data.length() && data.charAt(j) == '{') {
                    return true;
                }
            }
            i = data.indexOf("\"usage\"", i + 7);
        }
        return false;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private void ttfb(Try t) {
        if (ttfbMs == null) {
            long n = System.nanoTime() - t.t0;
            ttfbMs = n / 1_000_000;
            s.metrics.ttfb(t.c.provider().name(), n);
        }
    }

    private void commitStream(Try t) {
        committed = true;
        served = t.c;
        streamCounted = true;
        s.metrics.streamOpened();
        writeServedHeaders(t.c, 200);
        out.putHeader("content-type", "text/event-stream; charset=utf-8");
        out.putHeader("cache-control", "no-cache");
        out.setChunked(true);
        out.write(t.pending);
        t.pending = hideUsage ? Buffer.buffer() : null;
        s.cooldowns.onSuccess(t.c);
        armMaxStream(t);
    }

    /** Ends a stream that ran longer than {@code switchboard.request.max-stream} (counted from the request's start). */
    private void armMaxStream(Try t) {
        long limitMs = s.maxStream.toMillis();
        if (limitMs <= 0) {
            return;
        }
        long leftMs = limitMs - (System.nanoTime() - startNanos) / 1_000_000;
        maxStreamTimer = vertx.setTimer(Math.max(1, leftMs), id -> on(() -> {
            maxStreamTimer = -1;
            if (!t.done && !finished) {
                streamTooLong(t);
            }
        }));
    }

    private void streamTooLong(Try t) {
        t.done = true;
        t.disarm();
        if (t.req != null) {
            t.req.reset(); // cancel the upstream
        }
        attemptDone(t, "max_stream");
        LOG.infof("stream ended after the maximum duration of %s", s.maxStream);
        if (!out.closed()) {
            out.write(protocol.streamError("stream_max_duration",
                    "The stream ran longer than the gateway's maximum of " + s.maxStream.toSeconds()
                            + " s and was ended; the response is incomplete"));
            out.end();
        }
        finish(504);
    }

    private void streamSucceeded(Try t) {
        t.done = true;
        t.disarm();
        attemptDone(t, "ok");
        out.end();
        finish(200);
    }

    private void succeededJson(Try t, int status, String contentType, Buffer whole) {
        t.done = true;
        t.disarm();
        attemptDone(t, "ok");
        served = t.c;
        s.cooldowns.onSuccess(t.c);
        readUsage(whole);
        committed = true;
        writeServedHeaders(t.c, status);
        out.putHeader("content-type", contentType == null ? "application/json" : contentType);
        overhead();
        out.end(whole);
        finish(status);
    }

    private void failed(Try t, AttemptOutcome outcome) {
        failed(t, outcome, null);
    }

    private void failed(Try t, AttemptOutcome outcome, String contentType) {
        if (t.done) {
            return;
        }
        t.done = true;
        t.disarm();
        if (t.req != null && outcome.kind() != AttemptOutcome.Kind.HTTP_ERROR) {
            t.req.reset();
        }
        FailoverDecision d = s.classifier.classify(outcome, t.c.provider().failoverRules(), System.currentTimeMillis());
        attemptDone(t, d.reason());
        if (d.action() == FailoverDecision.Action.STOP || outcome.kind() == AttemptOutcome.Kind.CLIENT_CANCELLED) {
            if (t.c.probeScope() != null) {
                s.cooldowns.onFailure(t.c, d); // cools nothing; ends this replica's probe (releases the lock)
            }
            finish(499);
            return;
        }
        if (d.scope() != null || t.c.probeScope() != null) {
            // a probe always reports back, even when the decision cools nothing, so its lock is released
            s.cooldowns.onFailure(t.c, d);
        }
        attempts.add(new Attempt(t.c.provider().name(), t.c.model(), t.c.keyLabel(), outcome.status(), d.reason(),
                (System.nanoTime() - t.t0) / 1_000_000));
        if (committed) {
            // after the first byte: end the stream explicitly, never a silent truncated 200
            if (!t.errorEvent) {
                out.write(protocol.streamError(streamCode(outcome), streamMessage(outcome)));
            }
            out.end();
            finish(502);
            return;
        }
        if (d.action() == FailoverDecision.Action.RELAY) {
            served = t.c;
            committed = true;
            writeServedHeaders(t.c, outcome.status() == 0 ? 502 : outcome.status());
            if (outcome.status() == 0 && outcome.body() != null) {
                // an in-band error event the classifier wants relayed: send it as the error it is
                out.setStatusCode(502);
                out.putHeader("content-type", "application/json");
                out.end(outcome.body());
            } else {
                out.putHeader("content-type", contentType == null ? "application/json" : contentType);
                out.end(outcome.body() == null ? "" : outcome.body());
            }
            finish(out.getStatusCode());
            return;
        }
        s.metrics.failover(t.c.provider().name(), d.reason());
        LOG.debugf("attempt %s failed (%s), trying the next candidate", t.c.label(), d.reason());
        next();
    }

    private static String streamCode(AttemptOutcome o) {
        return switch (o.kind()) {
            case IDLE_TIMEOUT -> "upstream_idle_timeout";
            default -> "upstream_stream_interrupted";
        };
    }

    private static String streamMessage(AttemptOutcome o) {
        return switch (o.kind()) {
            case IDLE_TIMEOUT -> "The upstream stopped sending events; the stream was ended by the gateway";
            default -> "The upstream connection failed mid-stream; the response is incomplete";
        };
    }

    private void attemptDone(Try t, String outcome) {
        long n = System.nanoTime() - t.t0;
        upstreamNanos += n;
        s.metrics.upstream(t.c.provider().name(), outcome, n);
        if (current == t) {
            current = null;
        }
    }

    private void writeServedHeaders(Candidate c, int status) {
        out.setStatusCode(status);
        out.putHeader("x-switchboard-provider", c.provider().name());
        out.putHeader("x-switchboard-model", c.model());
        out.putHeader("x-switchboard-attempts", Integer.toString(tries));
    }

    // ---------------------------------------------------------------- endings

    private void exhausted() {
        long now = System.currentTimeMillis();
        Exhaustion ex = Exhaustion.of(attempts, skips, coolingStates(), now);
        int status = ex.status();
        String code = switch (status) {
            case 429 -> "rate_limited";
            case 502 -> "upstream_failed";
            default -> "no_upstream_available";
        };
        String message = switch (status) {
            case 429 -> "Every upstream for '" + body.model() + "' is rate limited; retry later";
            case 502 -> "Every upstream for '" + body.model() + "' failed";
            default -> "No upstream is available for '" + body.model() + "' right now";
        };
        fail(status, code, message, ex.retryAfterSeconds(), detailJson());
    }

    private String detailJson() {
        StringBuilder b = new StringBuilder("\"attempts\":[");
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            b.append(i == 0 ? "" : ",").append("{\"provider\":").append(Protocol.quote(a.provider()))
                    .append(",\"model\":").append(Protocol.quote(a.model()))
                    .append(",\"key\":").append(Protocol.quote(a.keyLabel()))
                    .append(",\"status\":").append(a.status())
                    .append(",\"reason\":").append(Protocol.quote(a.reason()))
                    .append(",\"duration_ms\":").append(a.durationMs()).append('}');
        }
        b.append("],\"skipped\":[");
        for (int i = 0; i < skips.size(); i++) {
            Skip k = skips.get(i);
            b.append(i == 0 ? "" : ",").append("{\"provider\":").append(Protocol.quote(k.provider()))
                    .append(",\"model\":").append(Protocol.quote(k.model()))
                    .append(",\"key\":").append(Protocol.quote(k.keyLabel()))
                    .append(",\"reason\":").append(Protocol.quote(k.reason()))
                    .append(",\"detail\":").append(Protocol.quote(k.detail())).append('}');
        }
        return b.append(']').toString();
    }

    /** Cooldown states behind the cooling_down skips, for the Retry-After of an exhausted chain. */
    private List<CooldownState> coolingStates() {
        List<CooldownState> states = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Skip k : skips) {
            if (!"cooling_down".equals(k.reason()) || index == null) {
                continue;
            }
            ProviderSnapshot p = index.provider(k.provider());
            if (p == null) {
                continue;
            }
            String upstreamModel = k.model();
            var m = index.model(p.id(), k.model());
            if (m != null && m.upstreamName() != null) {
                upstreamModel = m.upstreamName();
            }
            List<String> scopes = new ArrayList<>();
            scopes.add(CooldownScope.provider(p.id()));
            scopes.add(CooldownScope.providerModel(p.id(), upstreamModel));
            for (ProviderKeySnapshot pk : p.keys()) {
                String label = pk.label() == null || pk.label().isBlank() ? "key-" + pk.id() : pk.label();
                if (label.equals(k.keyLabel())) {
                    scopes.add(CooldownScope.key(pk.id()));
                    scopes.add(CooldownScope.keyModel(pk.id(), upstreamModel));
                }
            }
            for (String scope : scopes) {
                if (seen.add(scope)) {
                    CooldownState st = s.cooldowns.get(scope);
                    if (st != null) {
                        states.add(st);
                    }
                }
            }
        }
        return states;
    }

    /** An error answer before anything was committed, in the endpoint's shape. */
    private void fail(int status, String code, String message, Long retryAfter, String extra) {
        if (finished) {
            return;
        }
        if (!out.headWritten() && !out.closed()) {
            committed = true;
            out.setStatusCode(status);
            out.putHeader("content-type", "application/json");
            if (tries > 0) {
                out.putHeader("x-switchboard-attempts", Integer.toString(tries));
            }
            if (retryAfter != null) {
                out.putHeader("retry-after", Long.toString(retryAfter));
            }
            out.end(protocol.error(status, code, message, extra));
        }
        finish(status);
    }

    /** Runs on the request's context: inline when already there, else queued onto it. */
    private void on(Runnable r) {
        if (Vertx.currentContext() == ctx) {
            r.run();
        } else {
            ctx.runOnContext(v -> r.run());
        }
    }

    private void onClientGone() {
        clientGone = true;
        if (finished) {
            return;
        }
        Try t = current;
        if (t != null && !t.done) {
            failed(t, AttemptOutcome.of(AttemptOutcome.Kind.CLIENT_CANCELLED));
        } else {
            finish(499);
        }
    }

    private void overhead() {
        s.metrics.overhead(endpoint.tag(), System.nanoTime() - startNanos - upstreamNanos);
    }

    private void finish(int status) {
        if (finished) {
            return;
        }
        finished = true;
        if (maxStreamTimer >= 0) {
            vertx.cancelTimer(maxStreamTimer);
            maxStreamTimer = -1;
        }
        if (streamCounted) {
            s.metrics.streamClosed();
        }
        long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
        s.metrics.request(endpoint.tag(), served == null ? "none" : served.model(),
                served == null ? "none" : served.provider().name(), status);
        Admission a = admission;
        if (a != null && a.allowed()) {
            Lease lease = a.lease();
            if (lease != null) {
                lease.release();
            }
            try {
                s.usage.record(new UsageRecord(requestId, key, a.group(), body.model(),
                        resolution == null ? null : resolution.resolvedVia(), served, promptTokens, completionTokens,
                        status, tries, latencyMs, ttfbMs));
            } catch (RuntimeException e) {
                LOG.warnf("usage record failed: %s", e.getClass().getSimpleName());
            }
        }
        LOG.debugf("request finished: status=%d attempts=%d latency=%dms", status, tries, latencyMs);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Reads {@code usage} from a whole JSON answer without building its tree: the other top-level
     * members (the completion itself, which can be large) are skipped token by token.
     */
    private void readUsage(Buffer json) {
        if (json.length() == 0) {
            return;
        }
        try (JsonParser p = JSON.createParser(json.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    applyUsage(p.readValueAsTree());
                    return;
                }
                p.skipChildren();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not JSON: no usage to read
        }
    }

    private void readUsage(JsonNode node) {
        if (node == null) {
            return;
        }
        JsonNode usage = node.path("usage");
        if (usage.isMissingNode() || usage.isNull()) {
            usage = node.path("message").path("usage"); // Anthropic message_start
        }
        if (usage.isMissingNode() || usage.isNull()) {
            return;
        }
        applyUsage(usage);
    }

    /** OpenAI prompt/completion tokens, Anthropic input/output tokens. */
    private void applyUsage(JsonNode usage) {
        if (usage.has("prompt_tokens")) {
            promptTokens = usage.path("prompt_tokens").asLong(promptTokens);
        }
        if (usage.has("completion_tokens")) {
            completionTokens = usage.path("completion_tokens").asLong(completionTokens);
        }
        if (usage.has("input_tokens")) {
            promptTokens = Math.max(promptTokens, usage.path("input_tokens").asLong(0));
        }
        if (usage.has("output_tokens")) {
            completionTokens = Math.max(completionTokens, usage.path("output_tokens").asLong(0));
        }
    }

    private static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> m = new HashMap<>();
        headers.forEach(e -> m.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return m;
    }
}
