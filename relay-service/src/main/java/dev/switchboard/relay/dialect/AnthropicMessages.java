package dev.switchboard.relay.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.RateLimits;
import dev.switchboard.relay.translate.Translator;
import dev.switchboard.relay.translate.Wire;
import dev.switchboard.relay.upstream.RequestBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * Anthropic messages: {@code x-api-key} plus a default {@code anthropic-version}, {@code event:
 * message_stop} ends a stream, usage in {@code usage.input_tokens / output_tokens} (on a stream:
 * {@code message_start.message.usage}, then cumulative in {@code message_delta.usage}),
 * {@code anthropic-ratelimit-*} headers.
 */
public final class AnthropicMessages implements Dialect {

    static final String DEFAULT_VERSION = "2023-06-01";

    AnthropicMessages() {
    }

    @Override
    public String wire() {
        return ProviderSnapshot.ANTHROPIC;
    }

    @Override
    public Wire translationWire() {
        return Wire.ANTHROPIC_MESSAGES;
    }

    @Override
    public String chatPath() {
        return "/v1/messages";
    }

    @Override
    public void authorize(MultiMap headers, String secret) {
        if (!headers.contains("anthropic-version")) {
            headers.set("anthropic-version", DEFAULT_VERSION);
        }
        if (secret != null) {
            headers.set("x-api-key", secret);
        }
    }

    @Override
    public Buffer passthrough(RequestBody body, String upstreamModel, boolean askUsage) {
        return body.withModel(upstreamModel);
    }

    @Override
    public boolean asksStreamUsage(RequestBody body, boolean enabled) {
        return false; // an Anthropic stream always reports usage
    }

    @Override
    public boolean isTerminal(String event, String data) {
        return "message_stop".equals(event);
    }

    @Override
    public boolean isContent(String event, String data) {
        return "content_block_delta".equals(event) || "message_delta".equals(event) || "message_stop".equals(event);
    }

    @Override
    public boolean isFinish(String event, String data) {
        return "message_delta".equals(event) && data != null && data.contains("\"stop_reason\":\"");
    }

    @Override
    public Buffer sentinel() {
        return Buffer.buffer("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Override
    public JsonNode usageOf(JsonNode document) {
        if (document == null) {
            return null;
        }
        JsonNode usage = document.get("usage");
        if (usage == null || !usage.isObject()) {
            usage = document.path("message").get("usage"); // message_start
        }
        return usage != null && usage.isObject() ? usage : null;
    }

    @Override
    public void readUsage(JsonNode usage, TokenCount into) {
        if (usage.has("input_tokens")) { // input_tokens excludes the cache: the prompt is all three, as a client of OpenAI sees it
            long prompt = usage.path("input_tokens").asLong(0) + usage.path("cache_read_input_tokens").asLong(0)
                    + usage.path("cache_creation_input_tokens").asLong(0);
            into.prompt(Math.max(into.prompt(), prompt));
        }
        if (usage.has("output_tokens")) {
            into.completion(Math.max(into.completion(), usage.path("output_tokens").asLong(0)));
        }
    }

    @Override
    public RateLimits rateLimits(Map<String, String> h) {
        return new RateLimits(h.get("anthropic-ratelimit-requests-remaining"), h.get("anthropic-ratelimit-requests-limit"),
                h.get("anthropic-ratelimit-requests-reset"),
                first(h, "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-input-tokens-remaining"),
                first(h, "anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-input-tokens-limit"),
                first(h, "anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-input-tokens-reset"));
    }

    private static String first(Map<String, String> h, String a, String b) {
        String v = h.get(a);
        return v != null ? v : h.get(b);
    }

    @Override
    public byte[] errorBody(int status, String code, String message, ExhaustionDetail detail) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("type", "error");
        ObjectNode error = doc.putObject("error");
        error.put("type", errorType(status));
        error.put("message", message);
        error.put("code", code);
        Errors.addDetail(error, detail);
        return Errors.bytes(doc);
    }

    @Override
    public void appendAssistant(ObjectNode request, String text) {
        request.withArray("messages").addObject().put("role", "assistant").putArray("content").addObject()
                .put("type", "text").put("text", text);
    }

    @Override
    public Buffer streamError(String code, String message) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("type", "error");
        ObjectNode error = doc.putObject("error");
        error.put("type", "api_error");
        error.put("message", message);
        error.put("code", code);
        return Errors.sse("error", doc);
    }

    @Override
    public String errorType(int status) {
        return Translator.errorType(Wire.ANTHROPIC_MESSAGES, status);
    }
}
