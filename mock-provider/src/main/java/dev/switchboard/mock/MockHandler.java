package dev.switchboard.mock;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves every request of a {@link MockProvider}. One instance is shared by all event loops: it
 * keeps no per-request state in fields, and never blocks.
 */
final class MockHandler implements Handler<HttpServerRequest> {

    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    static final int DEFAULT_DIMENSIONS = 64;
    static final int MAX_DIMENSIONS = 4096;
    static final String FAULT_HEADER = "x-mock-fault";
    /** A model name containing this marker carries a fault spec after it, e.g. {@code mock-fault:status=429}. */
    static final String MODEL_FAULT_MARKER = "mock-fault:";

    private static final OpenAi OPENAI = new OpenAi();
    private static final Anthropic ANTHROPIC = new Anthropic();
    private static final Responses RESPONSES = new Responses();

    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized("application/problem+json");
    private static final Buffer HEALTH_UP = Buffer.buffer("{\"status\":\"UP\"}");

    private enum Endpoint {
        CHAT("/v1/chat/completions", HttpMethod.POST, OPENAI),
        EMBEDDINGS("/v1/embeddings", HttpMethod.POST, OPENAI),
        MESSAGES("/v1/messages", HttpMethod.POST, ANTHROPIC),
        COUNT_TOKENS("/v1/messages/count_tokens", HttpMethod.POST, ANTHROPIC),
        RESPONSES_API("/v1/responses", HttpMethod.POST, RESPONSES),
        MODELS("/v1/models", HttpMethod.GET, OPENAI);

        final String path;
        final HttpMethod method;
        final Protocol protocol;

        Endpoint(String path, HttpMethod method, Protocol protocol) {
            this.path = path;
            this.method = method;
            this.protocol = protocol;
        }

        /** Accepts the path with or without the {@code /v1} prefix (base URLs differ by SDK). */
        static Endpoint of(String path) {
            String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            for (Endpoint e : values()) {
                if (e.path.equals(p) || e.path.substring(3).equals(p)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** Per-request state. */
    private final class Exchange {
        final HttpServerRequest req;
        final HttpServerResponse resp;
        final Protocol protocol;
        final String requestId;
        final String model;
        Fault fault = Fault.NONE;
        long timer = -1;

        Exchange(HttpServerRequest req, Protocol protocol, String model) {
            this.req = req;
            this.resp = req.response();
            this.protocol = protocol;
            this.requestId = "req_mock_" + ids.incrementAndGet();
            this.model = model;
        }

        /** Runs {@code action} after {@code delayMs}, unless the client went away meanwhile. */
        void after(long delayMs, Runnable action) {
            if (delayMs <= 0) {
                action.run();
                return;
            }
            if (timer == -1) {
                resp.closeHandler(v -> {
                    if (timer >= 0) {
                        vertx.cancelTimer(timer);
                    }
                });
            }
            timer = vertx.setTimer(delayMs, id -> {
                timer = -2;
                if (!resp.closed()) {
                    guarded(req, action);
                }
            });
        }
    }

    private final Vertx vertx;
    private final Set<String> apiKeys;
    private final MockCounts counts;
    private final FaultRules rules;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger hanging = new AtomicInteger();

    MockHandler(Vertx vertx, Set<String> apiKeys, MockCounts counts, FaultRules rules) {
        this.vertx = vertx;
        this.apiKeys = apiKeys;
        this.counts = counts;
        this.rules = rules;
    }

    @Override
    public void handle(HttpServerRequest req) {
        guarded(req, () -> route(req));
    }

    /** A bug in the mock must show up as a 500 naming it, not as a request that never ends. */
    private static void guarded(HttpServerRequest req, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            if (resp.headWritten()) {
                req.connection().close();
                return;
            }
            resp.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON)
                    .end(Json.buffer(g -> {
                        g.writeStartObject();
                        g.writeObjectFieldStart("error");
                        g.writeStringField("message", "mock-provider bug: " + e);
                        g.writeStringField("type", "mock_internal_error");
                        g.writeEndObject();
                        g.writeEndObject();
                    }));
        }
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        if ("/health".equals(path)) {
            req.response().putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON).end(HEALTH_UP);
            return;
        }
        if (path.startsWith("/mock/")) {
            control(req, path);
            return;
        }
        Endpoint ep = Endpoint.of(path);
        if (ep == null || ep.method != req.method()) {
            Protocol protocol = ep != null ? ep.protocol : protocolOf(req);
            String countedPath = ep != null ? ep.path : path;
            counts.record(countedPath, "", keyOf(req, protocol));
            Exchange ex = new Exchange(req, protocol, "");
            int status = ep == null ? 404 : 405;
            String message = ep == null ? "Unknown request URL: " + req.method() + " " + path + "."
                    : "Method " + req.method() + " not allowed on " + path + "; use " + ep.method + ".";
            sendBuffer(ex, status, protocol.badRequest(message, null, ex.requestId));
            return;
        }
        if (ep == Endpoint.MODELS) {
            models(req);
            return;
        }
        readBody(req, ep.path, ep.protocol, body -> onBody(req, ep, body));
    }

    private static Protocol protocolOf(HttpServerRequest req) {
        return req.headers().contains(X_API_KEY) && !req.headers().contains(HttpHeaders.AUTHORIZATION) ? ANTHROPIC : OPENAI;
    }

    private static String keyOf(HttpServerRequest req, Protocol protocol) {
        if (protocol == ANTHROPIC) {
            String k = req.getHeader(X_API_KEY);
            return k == null ? "" : k.trim();
        }
        String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth == null || auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "";
        }
        return auth.substring(7).trim();
    }

    private void readBody(HttpServerRequest req, String countedPath, Protocol protocol, Handler<Buffer> then) {
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                tooLarge[0] = true;
                counts.record(countedPath, "", keyOf(req, protocol));
                Exchange ex = new Exchange(req, protocol, "");
                req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                sendBuffer(ex, 413, protocol.errorBody(413, null, "", ex.requestId));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!tooLarge[0]) {
                guarded(req, () -> then.handle(body));
            }
        });
    }

    // ---------------------------------------------------------------- provider endpoints

    private void models(HttpServerRequest req) {
        Protocol protocol = protocolOf(req);
        String key = keyOf(req, protocol);
        counts.record(Endpoint.MODELS.path, "", key);
        Exchange ex = new Exchange(req, protocol, "");
        if (!apiKeys.contains(key)) {
            sendError(ex, 401, null, null);
            return;
        }
        if (!resolveFault(ex, key)) {
            return;
        }
        Fault f = ex.fault;
        if (f.hang) {
            hang(ex);
            return;
        }
        ex.after(f.ttfbMs, () -> {
            if (f.reset) {
                reset(ex);
            } else if (f.status > 0) {
                sendError(ex, f.status, f.code, f.retryAfter);
            } else if (f.malformed) {
                sendSuccess(ex, protocol.malformedBody(), 0);
            } else {
                sendSuccess(ex, protocol == ANTHROPIC ? Anthropic.MODELS_BODY : OpenAi.MODELS_BODY, 0);
            }
        });
    }

    private void onBody(HttpServerRequest req, Endpoint ep, Buffer body) {
        Protocol protocol = ep.protocol;
        String key = keyOf(req, protocol);
        JsonNode json;
        try {
            json = body.length() == 0 ? null : Json.parse(body);
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            counts.record(ep.path, "", key);
            Exchange ex = new Exchange(req, protocol, "");
            sendBuffer(ex, 400, protocol.badRequest(protocol == ANTHROPIC ? "Invalid JSON body"
                    : "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.",
                    null, ex.requestId));
            return;
        }
        String model = Json.text(json, "model");
        counts.record(ep.path, model, key, req.headers(), body);
        Exchange ex = new Exchange(req, protocol, model == null ? "" : model);
        if (!apiKeys.contains(key)) {
            sendError(ex, 401, null, null);
            return;
        }
        if (!resolveFault(ex, key)) {
            return;
        }
        String invalid = validate(ep, json, model);
        if (invalid != null) {
            sendBuffer(ex, 400, protocol.badRequest(invalid, null, ex.requestId));
            return;
        }
        Fault f = ex.fault;
        if (f.hang) {
            hang(ex);
            return;
        }
        JsonNode request = json;
        ex.after(f.ttfbMs, () -> respond(ex, ep, request));
    }

    /** Never answers; only a counter (for the tests) tracks the request until the client closes. */
    private void hang(Exchange ex) {
        hanging.incrementAndGet();
        ex.resp.closeHandler(v -> hanging.decrementAndGet());
    }

    /** Requests currently held open by a {@code hang} fault. */
    int hangingRequests() {
        return hanging.get();
    }

    private static String validate(Endpoint ep, JsonNode json, String model) {
        if (model == null || model.isBlank()) {
            return ep.protocol == ANTHROPIC ? "model: Field required" : "you must provide a model parameter";
        }
        if (ep == Endpoint.EMBEDDINGS) {
            JsonNode input = json.get("input");
            if (input == null || input.isNull() || (input.isArray() && input.isEmpty())) {
                return "Missing required parameter: 'input'.";
            }
            JsonNode dims = json.get("dimensions");
            if (dims != null && !dims.isNull() && (!dims.canConvertToInt() || dims.asInt() < 1 || dims.asInt() > MAX_DIMENSIONS)) {
                return "Invalid 'dimensions': must be between 1 and " + MAX_DIMENSIONS + ".";
            }
            return null;
        }
        if (ep == Endpoint.RESPONSES_API) {
            JsonNode input = json.get("input");
            return input != null && (input.isTextual() || input.isArray()) ? null : "Missing required parameter: 'input'.";
        }
        JsonNode messages = json.get("messages");
        if (messages == null || !messages.isArray()) {
            return ep.protocol == ANTHROPIC ? "messages: Field required" : "Missing required parameter: 'messages'.";
        }
        return null;
    }

    /**
     * Combines the three fault sources (rule, then model name, then header; later ones win on a
     * clash). Answers 400 and returns false when a spec does not parse.
     */
    private boolean resolveFault(Exchange ex, String key) {
        Fault fault;
        try {
            fault = rules.isEmpty() ? Fault.NONE : rules.take(key, ex.model);
            int marker = ex.model.indexOf(MODEL_FAULT_MARKER);
            if (marker >= 0) {
                fault = fault.overriddenBy(Fault.parse(ex.model.substring(marker + MODEL_FAULT_MARKER.length())));
            }
            String header = ex.req.getHeader(FAULT_HEADER);
            if (header != null) {
                fault = fault.overriddenBy(Fault.parse(header));
            }
        } catch (IllegalArgumentException e) {
            sendBuffer(ex, 400, ex.protocol.badRequest("Invalid mock fault: " + e.getMessage(), null, ex.requestId));
            return false;
        }
        if (fault.flapMs > 0) {
            long now = System.nanoTime();
            fault = fault.flapped(now - rules.flapStart(ex.model, now) < fault.flapMs * 1_000_000);
        }
        ex.fault = fault;
        return true;
    }

    private void respond(Exchange ex, Endpoint ep, JsonNode json) {
        Fault f = ex.fault;
        Protocol protocol = ex.protocol;
        boolean stream = ep != Endpoint.EMBEDDINGS && json.path("stream").asBoolean(false);
        if (f.reset && f.cutAfter < 0 && f.stallAfter < 0) {
            reset(ex);
        } else if (f.status > 0 && !f.inbandError && !(stream && f.errorAfter >= 0)) {
            sendError(ex, f.status, f.code, f.retryAfter);
        } else if (f.malformed) {
            if (stream) {
                sendStream(ex, protocol.malformedStream(), 0);
            } else {
                sendSuccess(ex, protocol.malformedBody(), 0);
            }
        } else if (!stream && f.errorAfter >= 0) {
            sendError(ex, protocol.defaultInbandStatus(), f.code, f.retryAfter);
        } else if (f.inbandError) {
            int status = f.status > 0 ? f.status : protocol.defaultInbandStatus();
            Buffer event = protocol.inbandErrorEvent(status, f.code, ex.model, ex.requestId);
            if (stream) {
                sendStream(ex, new Protocol.Stream(List.of(event), null), 0);
            } else {
                sendSuccess(ex, protocol.errorBody(status, f.code, ex.model, ex.requestId), 0);
            }
        } else if (ep == Endpoint.EMBEDDINGS) {
            embeddings(ex, json);
        } else if (ep == Endpoint.COUNT_TOKENS) {
            countTokens(ex, json);
        } else {
            chat(ex, json);
        }
    }

    /** Anthropic's {@code count_tokens}: the prompt tokens the same request would be billed, {@code {"input_tokens": n}}. */
    private void countTokens(Exchange ex, JsonNode json) {
        Prompt prompt = new Prompt(json, ex.model, Answer.PLAIN, ex.protocol);
        sendSuccess(ex, Buffer.buffer("{\"input_tokens\":" + prompt.promptTokens + "}"), prompt.promptTokens);
    }

    private void chat(Exchange ex, JsonNode json) {
        Protocol protocol = ex.protocol;
        Prompt prompt;
        try {
            String header = ex.req.getHeader(Answer.HEADER);
            prompt = new Prompt(protocol == RESPONSES ? Responses.asChat(json) : json, ex.model,
                    header == null ? Answer.PLAIN : Answer.parse(header), protocol);
        } catch (IllegalArgumentException e) {
            sendBuffer(ex, 400, protocol.badRequest("Invalid mock answer: " + e.getMessage(), null, ex.requestId));
            return;
        }
        if (ex.fault.noPrefill && prompt.endsWithAssistant) {
            sendBuffer(ex, 400, protocol.badRequest(Protocol.PREFILL_REJECTED, "messages", ex.requestId));
            return;
        }
        String id = (protocol == ANTHROPIC ? "msg_mock_" : protocol == RESPONSES ? "resp_mock" : "chatcmpl-mock-")
                + ids.incrementAndGet();
        if (prompt.stream) {
            sendStream(ex, protocol.stream(prompt, id), prompt.promptTokens);
        } else if (ex.fault.firstTokenMs > 0) {
            sendLate(ex, protocol.completion(prompt, id), prompt.promptTokens);
        } else {
            sendSuccess(ex, protocol.completion(prompt, id), prompt.promptTokens);
        }
    }

    /**
     * Sends a TCP RST: SO_LINGER 0 makes the close abort the connection instead of a FIN, so the client
     * sees "connection reset" rather than a clean end of stream.
     */
    /** Pause between the last event written and a mid-stream reset. */
    private static final int RESET_AFTER_WRITE_MS = 50;

    private static void reset(Exchange ex) {
        io.netty.channel.Channel channel = ((io.vertx.core.net.impl.ConnectionBase) ex.req.connection()).channel();
        channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    /** Closes the connection with a FIN, or an RST when the fault says {@code reset}. */
    private static void closeConnection(Exchange ex) {
        if (ex.fault.reset) {
            // a reset with linger 0 discards what is still in the socket's send buffer: let the events arrive first
            ex.after(RESET_AFTER_WRITE_MS, () -> reset(ex));
        } else {
            ex.req.connection().close();
        }
    }

    private void embeddings(Exchange ex, JsonNode json) {
        JsonNode input = json.get("input");
        List<String> inputs = new ArrayList<>();
        if (input.isArray() && !input.get(0).isNumber()) {
            for (JsonNode i : input) {
                inputs.add(i.isTextual() ? i.asText() : i.toString());
            }
        } else {
            inputs.add(input.isTextual() ? input.asText() : input.toString());
        }
        JsonNode dims = json.get("dimensions");
        int dimensions = dims != null && dims.canConvertToInt() ? dims.asInt() : DEFAULT_DIMENSIONS;
        boolean base64 = "base64".equals(Json.text(json, "encoding_format"));
        long chars = 0;
        for (String s : inputs) {
            chars += s.length();
        }
        sendSuccess(ex, OpenAi.embeddings(inputs, ex.model, dimensions, base64), Prompt.tokens(chars));
    }

    // ---------------------------------------------------------------- writing

    private void sendError(Exchange ex, int status, String code, Integer retryAfter) {
        ex.protocol.errorHeaders(ex.resp.headers(), status, code, retryAfter, ex.requestId);
        sendBuffer(ex, status, ex.protocol.errorBody(status, code, ex.model, ex.requestId));
    }

    private static void sendBuffer(Exchange ex, int status, Buffer body) {
        if (ex.resp.ended() || ex.resp.closed()) {
            return;
        }
        ex.resp.setStatusCode(status);
        ex.resp.headers().set(HttpHeaders.CONTENT_TYPE, Protocol.JSON);
        ex.resp.end(body);
    }

    private static void sendSuccess(Exchange ex, Buffer body, long promptTokens) {
        ex.protocol.successHeaders(ex.resp.headers(), ex.fault, promptTokens, ex.requestId);
        sendBuffer(ex, 200, body);
    }

    /** A JSON answer whose headers go out at once and whose body follows after {@code first-token} ms. */
    private static void sendLate(Exchange ex, Buffer body, long promptTokens) {
        HttpServerResponse resp = ex.resp;
        ex.protocol.successHeaders(resp.headers(), ex.fault, promptTokens, ex.requestId);
        resp.setStatusCode(200);
        resp.headers().set(HttpHeaders.CONTENT_TYPE, Protocol.JSON);
        resp.setChunked(true);
        resp.write(Buffer.buffer());
        ex.after(ex.fault.firstTokenMs, () -> resp.end(body));
    }

    /**
     * Writes SSE events. Without a timing fault the whole stream goes out in one write. Otherwise
     * events are written one by one: {@code first-token} holds back the first content event (those
     * before it go out at once), {@code chunk-delay} pauses after each event, {@code stall-after} stops
     * after K events, waits {@code stall} ms and closes; {@code cut-after} closes after N events (never
     * sending the terminator); {@code bad-event} inserts an unparseable event; {@code no-sentinel} ends
     * the response without the terminator and closes the connection.
     */
    private void sendStream(Exchange ex, Protocol.Stream stream, long promptTokens) {
        Fault f = ex.fault;
        HttpServerResponse resp = ex.resp;
        ex.protocol.successHeaders(resp.headers(), f, promptTokens, ex.requestId);
        resp.setStatusCode(200);
        resp.headers().set(HttpHeaders.CONTENT_TYPE, Protocol.EVENT_STREAM);
        resp.headers().set(HttpHeaders.CACHE_CONTROL, Protocol.NO_CACHE);
        resp.setChunked(true);
        List<Buffer> events = stream.events();
        int firstContent = stream.firstContent();
        if (f.badEventAt >= 0) {
            events = new ArrayList<>(events);
            int at = Math.min(f.badEventAt, events.size());
            events.add(at, ex.protocol.malformedEvent());
            if (firstContent >= at) {
                firstContent++;
            }
        }
        Buffer terminator = f.noSentinel ? null : stream.terminator();
        if (f.errorAfter >= 0) {
            int status = f.status > 0 ? f.status : ex.protocol.defaultInbandStatus();
            events = new ArrayList<>(events.subList(0, Math.min(f.errorAfter, events.size())));
            events.add(ex.protocol.inbandErrorEvent(status, f.code, ex.model, ex.requestId));
            terminator = null;
        }
        End end;
        int toSend;
        if (f.stallAfter >= 0 && (f.cutAfter < 0 || f.stallAfter < f.cutAfter)) {
            end = End.STALL;
            toSend = Math.min(f.stallAfter, events.size());
        } else if (f.cutAfter >= 0) {
            end = End.CUT;
            toSend = Math.min(f.cutAfter, events.size());
        } else {
            end = End.COMPLETE;
            toSend = events.size();
        }
        if (f.chunkDelayMs <= 0 && f.firstTokenMs <= 0 && end != End.STALL) {
            Buffer all = Buffer.buffer();
            for (int i = 0; i < toSend; i++) {
                all.appendBuffer(events.get(i));
            }
            if (end == End.CUT) {
                resp.write(all).onComplete(ar -> closeConnection(ex));
            } else if (f.noSentinel) {
                resp.end(all).onComplete(ar -> ex.req.connection().close());
            } else {
                if (terminator != null) {
                    all.appendBuffer(terminator);
                }
                resp.end(all);
            }
            return;
        }
        new StreamWriter(ex, events, terminator, firstContent, toSend, end).next(0);
    }

    /** How a written stream ends. */
    private enum End {
        COMPLETE, CUT, STALL
    }

    /** Writes one event at a time on the exchange's timers. */
    private record StreamWriter(Exchange ex, List<Buffer> events, Buffer terminator, int firstContent, int toSend,
                                End end) {

        void next(int i) {
            Fault f = ex.fault;
            HttpServerResponse resp = ex.resp;
            if (i == 0 && firstContent == 0 && f.firstTokenMs > 0) {
                resp.write(Buffer.buffer());
                ex.after(f.firstTokenMs, () -> write(0));
                return;
            }
            write(i);
        }

        private void write(int i) {
            Fault f = ex.fault;
            HttpServerResponse resp = ex.resp;
            if (i < toSend) {
                resp.write(events.get(i));
                long pause = f.chunkDelayMs + (i + 1 == firstContent ? f.firstTokenMs : 0);
                ex.after(pause, () -> write(i + 1));
                return;
            }
            switch (end) {
                case STALL -> {
                    if (i == 0) {
                        resp.write(Buffer.buffer());
                    }
                    ex.after(f.stallMs, () -> closeConnection(ex));
                }
                case CUT -> {
                    if (i == 0) {
                        resp.write(Buffer.buffer()).onComplete(ar -> closeConnection(ex));
                    } else {
                        closeConnection(ex);
                    }
                }
                case COMPLETE -> {
                    if (f.noSentinel) {
                        resp.end().onComplete(ar -> ex.req.connection().close());
                    } else if (terminator != null) {
                        resp.end(terminator);
                    } else {
                        resp.end();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- control API

    private void control(HttpServerRequest req, String path) {
        HttpServerResponse resp = req.response();
        HttpMethod m = req.method();
        switch (path) {
            case "/mock/counts" -> {
                if (m == HttpMethod.GET) {
                    resp.putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON).end(countsJson());
                } else if (m == HttpMethod.DELETE) {
                    counts.reset();
                    resp.setStatusCode(204).end();
                } else {
                    problem(resp, 405, "use GET or DELETE on /mock/counts");
                }
            }
            case "/mock/faults" -> {
                if (m == HttpMethod.GET) {
                    resp.putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON).end(faultsJson());
                } else if (m == HttpMethod.DELETE) {
                    rules.clear();
                    resp.setStatusCode(204).end();
                } else if (m == HttpMethod.POST) {
                    req.body().onSuccess(body -> addRule(resp, body))
                            .onFailure(e -> problem(resp, 400, "could not read the body"));
                } else {
                    problem(resp, 405, "use GET, POST or DELETE on /mock/faults");
                }
            }
            case "/mock/requests/last" -> {
                if (m == HttpMethod.GET) {
                    lastRequest(req, resp);
                } else {
                    problem(resp, 405, "use GET on /mock/requests/last");
                }
            }
            default -> problem(resp, 404, "no such control endpoint: " + path);
        }
    }

    /** {@code GET /mock/requests/last?model=&path=&apiKey=}: the last matching request as received. */
    private void lastRequest(HttpServerRequest req, HttpServerResponse resp) {
        java.util.Optional<MockCounts.Request> found = counts.lastRequest(req.getParam("path"), req.getParam("model"),
                req.getParam("apiKey"));
        if (found.isEmpty()) {
            problem(resp, 404, "no request recorded for path=" + req.getParam("path") + " model="
                    + req.getParam("model") + " apiKey=" + req.getParam("apiKey"));
            return;
        }
        MockCounts.Request r = found.get();
        resp.putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON).end(Json.buffer(g -> {
            g.writeStartObject();
            g.writeStringField("path", r.path());
            g.writeStringField("model", r.model());
            g.writeStringField("apiKey", r.apiKey());
            g.writeObjectFieldStart("headers");
            for (var h : r.headers().entrySet()) {
                g.writeStringField(h.getKey(), h.getValue());
            }
            g.writeEndObject();
            g.writeFieldName("body");
            g.writeRawValue(r.body()); // only parsed JSON objects are recorded
            g.writeEndObject();
        }));
    }

    private void addRule(HttpServerResponse resp, Buffer body) {
        FaultRule rule;
        try {
            JsonNode json = Json.parse(body);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            JsonNode times = json.get("times");
            rule = new FaultRule(Json.text(json, "apiKey"), Json.text(json, "model"), Json.text(json, "fault"),
                    times == null || times.isNull() ? -1 : times.asInt(0));
        } catch (IOException e) {
            problem(resp, 400, "the body is not valid JSON");
            return;
        } catch (IllegalArgumentException e) {
            problem(resp, 400, e.getMessage());
            return;
        }
        rules.add(rule);
        resp.setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, Protocol.JSON)
                .end(Json.buffer(g -> writeRule(g, rule, rule.times())));
    }

    private static void problem(HttpServerResponse resp, int status, String detail) {
        resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON).end(Json.buffer(g -> {
            g.writeStartObject();
            g.writeStringField("title", status == 404 ? "Not Found" : status == 405 ? "Method Not Allowed" : "Bad Request");
            g.writeNumberField("status", status);
            g.writeStringField("detail", detail);
            g.writeEndObject();
        }));
    }

    private Buffer countsJson() {
        List<MockCounts.Entry> entries = counts.entries();
        return Json.buffer(g -> {
            g.writeStartObject();
            g.writeNumberField("total", entries.stream().mapToLong(MockCounts.Entry::count).sum());
            writeGrouped(g, "byPath", entries, MockCounts.Entry::path);
            writeGrouped(g, "byModel", entries, MockCounts.Entry::model);
            writeGrouped(g, "byKey", entries, MockCounts.Entry::apiKey);
            g.writeArrayFieldStart("entries");
            for (MockCounts.Entry e : entries) {
                g.writeStartObject();
                g.writeStringField("path", e.path());
                g.writeStringField("model", e.model());
                g.writeStringField("apiKey", e.apiKey());
                g.writeNumberField("count", e.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeGrouped(JsonGenerator g, String field, List<MockCounts.Entry> entries,
                                     java.util.function.Function<MockCounts.Entry, String> by) throws IOException {
        java.util.Map<String, Long> grouped = new java.util.TreeMap<>();
        for (MockCounts.Entry e : entries) {
            grouped.merge(by.apply(e), e.count(), Long::sum);
        }
        g.writeObjectFieldStart(field);
        for (var e : grouped.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private Buffer faultsJson() {
        List<FaultRules.Active> active = rules.active();
        return Json.buffer(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("rules");
            for (FaultRules.Active a : active) {
                writeRule(g, a.rule(), a.remaining());
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeRule(JsonGenerator g, FaultRule rule, int remaining) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiKey", rule.apiKey());
        g.writeStringField("model", rule.model());
        g.writeStringField("fault", rule.fault());
        g.writeNumberField("times", rule.times());
        g.writeNumberField("remaining", remaining);
        g.writeEndObject();
    }
}
