package dev.switchboard.mock;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** OpenAI wire format: chat completions, embeddings, models, errors, rate-limit headers. */
final class OpenAi extends Protocol {

    static final long REQUEST_LIMIT = 10_000;
    static final long TOKEN_LIMIT = 10_000_000;

    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence PROCESSING_MS = HttpHeaders.createOptimized("openai-processing-ms");
    private static final CharSequence LIMIT_REQ = HttpHeaders.createOptimized("x-ratelimit-limit-requests");
    private static final CharSequence LIMIT_TOK = HttpHeaders.createOptimized("x-ratelimit-limit-tokens");
    private static final CharSequence REMAINING_REQ = HttpHeaders.createOptimized("x-ratelimit-remaining-requests");
    private static final CharSequence REMAINING_TOK = HttpHeaders.createOptimized("x-ratelimit-remaining-tokens");
    private static final CharSequence RESET_REQ = HttpHeaders.createOptimized("x-ratelimit-reset-requests");
    private static final CharSequence RESET_TOK = HttpHeaders.createOptimized("x-ratelimit-reset-tokens");
    private static final CharSequence V_LIMIT_REQ = HttpHeaders.createOptimized(Long.toString(REQUEST_LIMIT));
    private static final CharSequence V_LIMIT_TOK = HttpHeaders.createOptimized(Long.toString(TOKEN_LIMIT));
    private static final CharSequence V_REMAINING_REQ = HttpHeaders.createOptimized(Long.toString(REQUEST_LIMIT - 1));
    private static final CharSequence V_RESET_REQ = HttpHeaders.createOptimized("6ms");
    private static final CharSequence V_RESET_TOK = HttpHeaders.createOptimized("0s");
    private static final CharSequence V_ONE = HttpHeaders.createOptimized("1");

    static final List<String> MODELS = List.of(
            "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini",
            "text-embedding-3-small", "text-embedding-3-large", "mock-model");

    /** Pre-serialised: the list never changes. */
    static final Buffer MODELS_BODY = Json.buffer(g -> {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (String m : MODELS) {
            g.writeStartObject();
            g.writeStringField("id", m);
            g.writeStringField("object", "model");
            g.writeNumberField("created", 1_700_000_000L);
            g.writeStringField("owned_by", "mock-provider");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    });

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private record ErrorInfo(String message, String type, String param, String code) {
    }

    private static ErrorInfo info(int status, String code, String model) {
        if ("content_policy_violation".equals(code)) {
            return new ErrorInfo("Your request was rejected as a result of our safety system. Your prompt may contain "
                    + "text that is not allowed by our safety system.", "invalid_request_error", null, code);
        }
        if ("insufficient_quota".equals(code) || (status == 402 && code == null)) {
            return new ErrorInfo("You exceeded your current quota, please check your plan and billing details. "
                    + "For more information on this error, read the docs: "
                    + "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                    "insufficient_quota", null, "insufficient_quota");
        }
        ErrorInfo base = switch (status) {
            case 400 -> new ErrorInfo("This model's maximum context length is 128000 tokens. However, your messages "
                    + "resulted in 131072 tokens. Please reduce the length of the messages.",
                    "invalid_request_error", "messages", "context_length_exceeded");
            case 401 -> new ErrorInfo("Incorrect API key provided. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
            case 403 -> new ErrorInfo("You are not allowed to sample from this model.",
                    "invalid_request_error", null, "permission_denied");
            case 404 -> new ErrorInfo("The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", "model", "model_not_found");
            case 413 -> new ErrorInfo("Request too large.", "invalid_request_error", null, "request_too_large");
            case 429 -> new ErrorInfo("Rate limit reached for " + model + " in organization org-mock on requests per "
                    + "min (RPM): Limit " + REQUEST_LIMIT + ", Used " + REQUEST_LIMIT + ", Requested 1. "
                    + "Please try again later.", "requests", null, "rate_limit_exceeded");
            case 500 -> new ErrorInfo("The server had an error while processing your request. Sorry about that!",
                    "server_error", null, null);
            case 502 -> new ErrorInfo("Bad gateway.", "server_error", null, null);
            case 503 -> new ErrorInfo("The server is overloaded or not ready yet.", "server_error", null, null);
            case 504 -> new ErrorInfo("Gateway timeout.", "server_error", null, "timeout");
            case 529 -> new ErrorInfo("The engine is currently overloaded, please try again later.",
                    "server_error", null, "overloaded");
            default -> new ErrorInfo("Mock fault: HTTP " + status + ".",
                    status >= 500 ? "server_error" : "invalid_request_error", null, null);
        };
        return code == null ? base : new ErrorInfo(base.message, base.type, base.param, code);
    }

    private static void writeError(JsonGenerator g, ErrorInfo e) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", e.message);
        g.writeStringField("type", e.type);
        g.writeStringField("param", e.param);
        g.writeStringField("code", e.code);
        g.writeEndObject();
        g.writeEndObject();
    }

    @Override
    Buffer errorBody(int status, String code, String model, String requestId) {
        ErrorInfo e = info(status, code, model);
        return Json.buffer(g -> writeError(g, e));
    }

    @Override
    void errorHeaders(MultiMap h, int status, String code, Integer retryAfter, String requestId) {
        h.set(REQUEST_ID, requestId);
        int ra = retryAfterSeconds(status, code, retryAfter);
        if (ra >= 0) {
            h.set(RETRY_AFTER, Integer.toString(ra));
        }
        if (status == 429 && !"insufficient_quota".equals(code)) {
            h.set(LIMIT_REQ, V_LIMIT_REQ);
            h.set(REMAINING_REQ, "0");
            h.set(RESET_REQ, Math.max(ra, 1) + "s");
        }
    }

    @Override
    void successHeaders(MultiMap h, Fault fault, long promptTokens, String requestId) {
        h.set(REQUEST_ID, requestId);
        h.set(PROCESSING_MS, V_ONE);
        h.set(LIMIT_REQ, V_LIMIT_REQ);
        h.set(LIMIT_TOK, V_LIMIT_TOK);
        if (fault.remainingRequests >= 0) {
            h.set(REMAINING_REQ, Long.toString(fault.remainingRequests));
        } else {
            h.set(REMAINING_REQ, V_REMAINING_REQ);
        }
        long tokens = fault.remainingTokens >= 0 ? fault.remainingTokens : TOKEN_LIMIT - promptTokens;
        h.set(REMAINING_TOK, Long.toString(tokens));
        h.set(RESET_REQ, V_RESET_REQ);
        h.set(RESET_TOK, V_RESET_TOK);
    }

    @Override
    Buffer badRequest(String message, String param, String requestId) {
        ErrorInfo e = new ErrorInfo(message, "invalid_request_error", param, null);
        return Json.buffer(g -> writeError(g, e));
    }

    private static String finishReason(Prompt p) {
        return switch (p.stop) {
            case END -> "stop";
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case REFUSAL -> "content_filter";
        };
    }

    @Override
    Buffer completion(Prompt p, String id) {
        long created = System.currentTimeMillis() / 1000;
        return Json.buffer(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", p.model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (p.toolCalls.isEmpty() || !p.reply.isEmpty()) {
                g.writeStringField("content", p.reply);
            } else {
                g.writeNullField("content");
            }
            if (p.thinking != null) {
                g.writeStringField("reasoning_content", p.thinking);
            }
            g.writeNullField("refusal");
            if (!p.toolCalls.isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (Prompt.ToolCall c : p.toolCalls) {
                    g.writeStartObject();
                    g.writeStringField("id", c.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason(p));
            g.writeEndObject();
            g.writeEndArray();
            usage(g, p);
            g.writeStringField("system_fingerprint", "fp_mock");
            g.writeEndObject();
        });
    }

    /**
     * OpenAI usage: {@code prompt_tokens} includes cached and cache-written tokens,
     * {@code prompt_tokens_details.cached_tokens} the cached ones. The details objects are only written
     * when the answer has cache or reasoning tokens, so default answers keep their exact bytes.
     */
    private static void usage(JsonGenerator g, Prompt p) throws IOException {
        Answer a = p.answer;
        if (!a.hasCache() && p.thinking == null) {
            Json.usageOpenAi(g, p.promptTokens, p.completionTokens);
            return;
        }
        long prompt = p.promptTokens + a.cacheRead + a.cacheWrite;
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", prompt);
        g.writeNumberField("completion_tokens", p.completionTokens);
        g.writeNumberField("total_tokens", prompt + p.completionTokens);
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", a.cacheRead);
        g.writeNumberField("audio_tokens", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", p.thinkingTokens());
        g.writeNumberField("audio_tokens", 0);
        g.writeNumberField("accepted_prediction_tokens", 0);
        g.writeNumberField("rejected_prediction_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Chunks in OpenAI's order: role, {@code reasoning_content} pieces, content pieces, per tool call
     * a head (index, id, name, empty arguments) and its argument fragments, the finish chunk, the
     * usage chunk when asked.
     */
    @Override
    Stream stream(Prompt p, String id) {
        long created = System.currentTimeMillis() / 1000;
        List<String> pieces = p.pieces();
        List<Buffer> events = new ArrayList<>(pieces.size() + 3);
        // Like OpenAI, a tools-only answer starts with "content": null, a text answer with "".
        events.add(p.toolCalls.isEmpty() || !p.reply.isEmpty() ? chunk(p, id, created, "assistant", "", null)
                : delta(p, id, created, g -> {
                    g.writeStringField("role", "assistant");
                    g.writeNullField("content");
                }));
        if (p.thinking != null) {
            for (String piece : Prompt.pieces(p.thinking)) {
                events.add(delta(p, id, created, g -> g.writeStringField("reasoning_content", piece)));
            }
        }
        for (String piece : pieces) {
            events.add(chunk(p, id, created, null, piece, null));
        }
        if (!p.toolCalls.isEmpty()) {
            for (Prompt.ToolCall c : p.toolCalls) {
                events.add(delta(p, id, created, g -> toolCallDelta(g, c, true, "")));
                for (String fragment : p.argumentFragments(c.arguments(), false)) {
                    events.add(delta(p, id, created, g -> toolCallDelta(g, c, false, fragment)));
                }
            }
        }
        events.add(chunk(p, id, created, null, null, finishReason(p)));
        if (p.includeUsage) {
            events.add(Json.sseData(g -> {
                chunkHead(g, id, created, p.model);
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                usage(g, p);
                g.writeEndObject();
            }));
        }
        return new Stream(events, DONE, 1);
    }

    private static void toolCallDelta(JsonGenerator g, Prompt.ToolCall c, boolean head, String arguments)
            throws IOException {
        g.writeArrayFieldStart("tool_calls");
        g.writeStartObject();
        g.writeNumberField("index", c.index());
        if (head) {
            g.writeStringField("id", c.id());
            g.writeStringField("type", "function");
        }
        g.writeObjectFieldStart("function");
        if (head) {
            g.writeStringField("name", c.name());
        }
        g.writeStringField("arguments", arguments);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
    }

    /** A chunk whose delta is written by {@code delta} (reasoning, tool calls). */
    private static Buffer delta(Prompt p, String id, long created, Json.Body delta) {
        return Json.sseData(g -> {
            chunkHead(g, id, created, p.model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeNullField("finish_reason");
            g.writeEndObject();
            g.writeEndArray();
            if (p.includeUsage) {
                g.writeNullField("usage");
            }
            g.writeEndObject();
        });
    }

    private static Buffer chunk(Prompt p, String id, long created, String role, String content, String finish) {
        return Json.sseData(g -> {
            chunkHead(g, id, created, p.model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            if (role != null) {
                g.writeStringField("role", role);
            }
            if (content != null) {
                g.writeStringField("content", content);
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finish);
            g.writeEndObject();
            g.writeEndArray();
            if (p.includeUsage) {
                g.writeNullField("usage");
            }
            g.writeEndObject();
        });
    }

    private static void chunkHead(JsonGenerator g, String id, long created, String model) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeStringField("system_fingerprint", "fp_mock");
    }

    @Override
    Buffer inbandErrorEvent(int status, String code, String model, String requestId) {
        ErrorInfo e = info(status, code, model);
        return Json.sseData(g -> writeError(g, e));
    }

    @Override
    int defaultInbandStatus() {
        return 500;
    }

    @Override
    Buffer malformedBody() {
        return Buffer.buffer("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Ech", StandardCharsets.UTF_8.name());
    }

    @Override
    Buffer malformedEvent() {
        return Buffer.buffer("data: {\"id\":\"chatcmpl-mock\",\"choices\":[{\"delta\":{\"content\n\n");
    }

    @Override
    Buffer terminator() {
        return DONE;
    }

    @Override
    boolean continuesPrefill() {
        return false;
    }

    @Override
    String toolCallIdPrefix() {
        return "call_mock_";
    }

    /** Embeddings: one unit vector per input, derived from the input text only. */
    static Buffer embeddings(List<String> inputs, String model, int dimensions, boolean base64) {
        long chars = 0;
        for (String s : inputs) {
            chars += s.length();
        }
        long tokens = Prompt.tokens(chars);
        return Json.buffer(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < inputs.size(); i++) {
                float[] v = vector(inputs.get(i), dimensions);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (base64) {
                    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (float f : v) {
                        bb.putFloat(f);
                    }
                    g.writeStringField("embedding", java.util.Base64.getEncoder().encodeToString(bb.array()));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", tokens);
            g.writeNumberField("total_tokens", tokens);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** Deterministic unit vector seeded by the text (same text, same vector, across runs and JVMs). */
    static float[] vector(String text, int dimensions) {
        long seed = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed ^= b & 0xff;
            seed *= 0x100000001b3L;
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double d = rnd.nextDouble() * 2 - 1;
            v[i] = (float) d;
            norm += d * d;
        }
        double inv = norm == 0 ? 0 : 1 / Math.sqrt(norm);
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (v[i] * inv);
        }
        return v;
    }
}
