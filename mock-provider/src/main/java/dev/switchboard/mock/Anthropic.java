package dev.switchboard.mock;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Anthropic Messages wire format: messages, SSE event sequence, errors, rate-limit headers. */
final class Anthropic extends Protocol {

    static final long REQUEST_LIMIT = 4_000;
    static final long TOKEN_LIMIT = 2_000_000;

    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("request-id");
    private static final CharSequence LIMIT_REQ = HttpHeaders.createOptimized("anthropic-ratelimit-requests-limit");
    private static final CharSequence REMAINING_REQ = HttpHeaders.createOptimized("anthropic-ratelimit-requests-remaining");
    private static final CharSequence RESET_REQ = HttpHeaders.createOptimized("anthropic-ratelimit-requests-reset");
    private static final CharSequence LIMIT_TOK = HttpHeaders.createOptimized("anthropic-ratelimit-tokens-limit");
    private static final CharSequence REMAINING_TOK = HttpHeaders.createOptimized("anthropic-ratelimit-tokens-remaining");
    private static final CharSequence RESET_TOK = HttpHeaders.createOptimized("anthropic-ratelimit-tokens-reset");
    private static final CharSequence V_LIMIT_REQ = HttpHeaders.createOptimized(Long.toString(REQUEST_LIMIT));
    private static final CharSequence V_LIMIT_TOK = HttpHeaders.createOptimized(Long.toString(TOKEN_LIMIT));
    private static final CharSequence V_REMAINING_REQ = HttpHeaders.createOptimized(Long.toString(REQUEST_LIMIT - 1));

    static final List<String> MODELS = List.of(
            "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-3-5-haiku-latest");

    static final Buffer MODELS_BODY = Json.buffer(g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("data");
        for (String m : MODELS) {
            g.writeStartObject();
            g.writeStringField("type", "model");
            g.writeStringField("id", m);
            g.writeStringField("display_name", m);
            g.writeStringField("created_at", "2025-01-01T00:00:00Z");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("has_more", false);
        g.writeStringField("first_id", MODELS.getFirst());
        g.writeStringField("last_id", MODELS.getLast());
        g.writeEndObject();
    });

    private static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\": \"ping\"}\n\n");
    private static final Buffer CONTENT_BLOCK_START = Buffer.buffer("event: content_block_start\ndata: "
            + "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    private static final Buffer CONTENT_BLOCK_STOP = Buffer.buffer(
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    private static final Buffer MESSAGE_STOP = Buffer.buffer("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    private record ErrorInfo(String type, String message) {
    }

    private static ErrorInfo info(int status, String code, String model) {
        if ("content_policy_violation".equals(code)) {
            return new ErrorInfo("invalid_request_error", "Output blocked by content filtering policy");
        }
        if ("context_length_exceeded".equals(code)) {
            return new ErrorInfo("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum");
        }
        ErrorInfo base = switch (status) {
            case 400 -> "insufficient_quota".equals(code)
                    ? new ErrorInfo("invalid_request_error", "Your credit balance is too low to access the Anthropic "
                            + "API. Please go to Plans & Billing to upgrade or purchase credits.")
                    : new ErrorInfo("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum");
            case 401 -> new ErrorInfo("authentication_error", "invalid x-api-key");
            case 402 -> new ErrorInfo("billing_error", "Your credit balance is too low to access the Anthropic API. "
                    + "Please go to Plans & Billing to upgrade or purchase credits.");
            case 403 -> new ErrorInfo("permission_error",
                    "Your API key does not have permission to use the specified resource.");
            case 404 -> new ErrorInfo("not_found_error", "model: " + model);
            case 413 -> new ErrorInfo("request_too_large", "Request exceeds the maximum allowed number of bytes.");
            case 429 -> new ErrorInfo("rate_limit_error", "Number of request tokens has exceeded your per-minute "
                    + "rate limit. Please try again later.");
            case 500 -> new ErrorInfo("api_error", "Internal server error");
            case 503 -> new ErrorInfo("api_error", "Service unavailable");
            case 504 -> new ErrorInfo("timeout_error", "Request timed out");
            case 529 -> new ErrorInfo("overloaded_error", "Overloaded");
            default -> new ErrorInfo(status >= 500 ? "api_error" : "invalid_request_error", "Mock fault: HTTP " + status);
        };
        // Anthropic has no separate code field: a code from the fault spec names the error type,
        // except insufficient_quota which only changes the 400 message above.
        return code == null || "insufficient_quota".equals(code) ? base : new ErrorInfo(code, base.message);
    }

    private static void writeError(JsonGenerator g, ErrorInfo e, String requestId) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "error");
        g.writeObjectFieldStart("error");
        g.writeStringField("type", e.type);
        g.writeStringField("message", e.message);
        g.writeEndObject();
        if (requestId != null) {
            g.writeStringField("request_id", requestId);
        }
        g.writeEndObject();
    }

    @Override
    Buffer errorBody(int status, String code, String model, String requestId) {
        ErrorInfo e = info(status, code, model);
        return Json.buffer(g -> writeError(g, e, requestId));
    }

    @Override
    void errorHeaders(MultiMap h, int status, String code, Integer retryAfter, String requestId) {
        h.set(REQUEST_ID, requestId);
        int ra = retryAfterSeconds(status, code, retryAfter);
        if (ra >= 0) {
            h.set(RETRY_AFTER, Integer.toString(ra));
        }
        if (status == 429) {
            h.set(LIMIT_REQ, V_LIMIT_REQ);
            h.set(REMAINING_REQ, "0");
            h.set(RESET_REQ, resetInstant(ra));
        }
    }

    @Override
    void successHeaders(MultiMap h, Fault fault, long promptTokens, String requestId) {
        h.set(REQUEST_ID, requestId);
        h.set(LIMIT_REQ, V_LIMIT_REQ);
        if (fault.remainingRequests >= 0) {
            h.set(REMAINING_REQ, Long.toString(fault.remainingRequests));
        } else {
            h.set(REMAINING_REQ, V_REMAINING_REQ);
        }
        String reset = resetInstant(1);
        h.set(RESET_REQ, reset);
        h.set(LIMIT_TOK, V_LIMIT_TOK);
        long tokens = fault.remainingTokens >= 0 ? fault.remainingTokens : TOKEN_LIMIT - promptTokens;
        h.set(REMAINING_TOK, Long.toString(tokens));
        h.set(RESET_TOK, reset);
    }

    @Override
    Buffer badRequest(String message, String param, String requestId) {
        ErrorInfo e = new ErrorInfo("invalid_request_error", message);
        return Json.buffer(g -> writeError(g, e, requestId));
    }

    private static String stopReason(Prompt p) {
        return switch (p.stop) {
            case END -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case TOOL_USE -> "tool_use";
            case REFUSAL -> "refusal";
        };
    }

    @Override
    Buffer completion(Prompt p, String id) {
        return Json.buffer(g -> {
            g.writeStartObject();
            messageHead(g, id, p.model);
            g.writeArrayFieldStart("content");
            if (p.thinking != null) {
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", p.thinking);
                g.writeStringField("signature", p.signature);
                g.writeEndObject();
            }
            if (p.toolCalls.isEmpty() || !p.reply.isEmpty()) {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", p.reply);
                g.writeEndObject();
            }
            for (int t = 0; t < p.toolCalls.size(); t++) {
                Prompt.ToolCall c = p.toolCalls.get(t);
                g.writeStartObject();
                g.writeStringField("type", "tool_use");
                g.writeStringField("id", c.id());
                g.writeStringField("name", c.name());
                g.writeFieldName("input");
                g.writeRawValue(c.arguments());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("stop_reason", stopReason(p));
            g.writeNullField("stop_sequence");
            usage(g, p, p.completionTokens);
            g.writeEndObject();
        });
    }

    private static void messageHead(JsonGenerator g, String id, String model) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
    }

    /** Anthropic usage: {@code input_tokens} excludes the cache, which has its own two fields. */
    private static void usage(JsonGenerator g, Prompt p, long output) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", p.promptTokens);
        g.writeNumberField("cache_creation_input_tokens", p.answer.cacheWrite);
        g.writeNumberField("cache_read_input_tokens", p.answer.cacheRead);
        g.writeNumberField("output_tokens", output);
        g.writeEndObject();
    }

    /**
     * The real event sequence: {@code message_start}, then each content block (thinking, text, one
     * per tool call) with dense indexes as start, deltas, stop — {@code ping} after the first start —
     * then {@code message_delta} (stop reason, cumulative usage) and {@code message_stop}.
     */
    @Override
    Stream stream(Prompt p, String id) {
        List<String> pieces = p.pieces();
        List<Buffer> events = new ArrayList<>(pieces.size() + 5);
        events.add(Json.sseEvent("message_start", g -> {
            g.writeStartObject();
            g.writeStringField("type", "message_start");
            g.writeObjectFieldStart("message");
            messageHead(g, id, p.model);
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            usage(g, p, 1);
            g.writeEndObject();
            g.writeEndObject();
        }));
        int index = 0;
        int firstContent = -1;
        if (p.thinking != null) {
            events.add(blockStart(index, g -> {
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", "");
            }));
            events.add(PING);
            firstContent = events.size();
            for (String piece : Prompt.pieces(p.thinking)) {
                events.add(blockDelta(index, g -> {
                    g.writeStringField("type", "thinking_delta");
                    g.writeStringField("thinking", piece);
                }));
            }
            events.add(blockDelta(index, g -> {
                g.writeStringField("type", "signature_delta");
                g.writeStringField("signature", p.signature);
            }));
            events.add(blockStop(index++));
        }
        if (p.toolCalls.isEmpty() || !p.reply.isEmpty()) {
            int block = index++;
            events.add(block == 0 ? CONTENT_BLOCK_START : blockStart(block, g -> {
                g.writeStringField("type", "text");
                g.writeStringField("text", "");
            }));
            if (block == 0) {
                events.add(PING);
            }
            if (firstContent < 0) {
                firstContent = events.size();
            }
            for (String piece : pieces) {
                events.add(blockDelta(block, g -> {
                    g.writeStringField("type", "text_delta");
                    g.writeStringField("text", piece);
                }));
            }
            events.add(blockStop(block));
        }
        for (int t = 0; t < p.toolCalls.size(); t++) {
            Prompt.ToolCall c = p.toolCalls.get(t);
            int block = index++;
            events.add(blockStart(block, g -> {
                g.writeStringField("type", "tool_use");
                g.writeStringField("id", c.id());
                g.writeStringField("name", c.name());
                g.writeObjectFieldStart("input");
                g.writeEndObject();
            }));
            if (block == 0) {
                events.add(PING);
            }
            if (firstContent < 0) {
                firstContent = events.size();
            }
            for (String fragment : p.argumentFragments(c.arguments(), true)) {
                events.add(blockDelta(block, g -> {
                    g.writeStringField("type", "input_json_delta");
                    g.writeStringField("partial_json", fragment);
                }));
            }
            events.add(blockStop(block));
        }
        events.add(Json.sseEvent("message_delta", g -> {
            g.writeStartObject();
            g.writeStringField("type", "message_delta");
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", stopReason(p));
            g.writeNullField("stop_sequence");
            g.writeEndObject();
            if (p.answer.hasCache()) {
                usage(g, p, p.completionTokens);
            } else {
                g.writeObjectFieldStart("usage");
                g.writeNumberField("output_tokens", p.completionTokens);
                g.writeEndObject();
            }
            g.writeEndObject();
        }));
        return new Stream(events, MESSAGE_STOP, firstContent);
    }

    private static Buffer blockStart(int index, Json.Body block) {
        return Json.sseEvent("content_block_start", g -> {
            g.writeStartObject();
            g.writeStringField("type", "content_block_start");
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("content_block");
            block.write(g);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static Buffer blockDelta(int index, Json.Body delta) {
        return Json.sseEvent("content_block_delta", g -> {
            g.writeStartObject();
            g.writeStringField("type", "content_block_delta");
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static Buffer blockStop(int index) {
        return index == 0 ? CONTENT_BLOCK_STOP : Buffer.buffer(
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index + "}\n\n");
    }

    @Override
    Buffer inbandErrorEvent(int status, String code, String model, String requestId) {
        ErrorInfo e = info(status, code, model);
        return Json.sseEvent("error", g -> writeError(g, e, requestId));
    }

    @Override
    int defaultInbandStatus() {
        return 529;
    }

    @Override
    Buffer malformedBody() {
        return Buffer.buffer("{\"id\":\"msg_mock\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Ech");
    }

    @Override
    Buffer malformedEvent() {
        return Buffer.buffer("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Ech\n\n");
    }

    @Override
    Buffer terminator() {
        return MESSAGE_STOP;
    }

    @Override
    boolean continuesPrefill() {
        return true;
    }

    @Override
    String toolCallIdPrefix() {
        return "toolu_mock_";
    }
}
