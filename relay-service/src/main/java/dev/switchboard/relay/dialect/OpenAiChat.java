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
 * OpenAI chat completions (and embeddings): a bearer key, {@code data: [DONE]} ends a stream, usage in
 * {@code usage.prompt_tokens / completion_tokens} (a stream reports it only in a last chunk without
 * choices, and only when asked with {@code stream_options.include_usage}), {@code x-ratelimit-*} headers.
 */
public final class OpenAiChat implements Dialect {

    OpenAiChat() {
    }

    @Override
    public String wire() {
        return ProviderSnapshot.OPENAI;
    }

    @Override
    public Wire translationWire() {
        return Wire.OPENAI_CHAT;
    }

    @Override
    public String chatPath() {
        return "/v1/chat/completions";
    }

    @Override
    public void authorize(MultiMap headers, String secret) {
        if (secret != null) {
            headers.set("authorization", "Bearer " + secret);
        }
    }

    @Override
    public Buffer passthrough(RequestBody body, String upstreamModel, boolean askUsage) {
        return body.forUpstream(upstreamModel, askUsage);
    }

    @Override
    public boolean asksStreamUsage(RequestBody body, boolean enabled) {
        return enabled && body.stream() && body.canAskUsage();
    }

    @Override
    public boolean isTerminal(String event, String data) {
        return "[DONE]".equals(data);
    }

    @Override
    public boolean isContent(String event, String data) {
        if (data == null || "[DONE]".equals(data)) {
            return data != null;
        }
        try {
            JsonNode choice = JSON.readTree(data).path("choices").path(0);
            JsonNode delta = choice.path("delta");
            return !choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode()
                    || nonEmpty(delta.path("content")) || nonEmpty(delta.path("reasoning_content"))
                    || nonEmpty(delta.path("refusal")) || delta.path("tool_calls").isArray();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean nonEmpty(JsonNode text) {
        return text.isTextual() && !text.asText().isEmpty();
    }

    @Override
    public boolean isFinish(String event, String data) {
        return data != null && data.contains("\"finish_reason\":\"");
    }

    @Override
    public Buffer sentinel() {
        return Buffer.buffer("data: [DONE]\n\n");
    }

    @Override
    public boolean isUsageOnly(JsonNode event) {
        if (event == null) {
            return false;
        }
        JsonNode choices = event.path("choices");
        return !choices.isArray() || choices.isEmpty();
    }

    @Override
    public JsonNode usageOf(JsonNode document) {
        JsonNode usage = document == null ? null : document.get("usage");
        return usage != null && usage.isObject() ? usage : null;
    }

    @Override
    public void readUsage(JsonNode usage, TokenCount into) {
        if (usage.has("prompt_tokens")) {
            into.prompt(usage.path("prompt_tokens").asLong(into.prompt()));
        }
        if (usage.has("completion_tokens")) {
            into.completion(usage.path("completion_tokens").asLong(into.completion()));
        }
    }

    @Override
    public RateLimits rateLimits(Map<String, String> h) {
        return new RateLimits(h.get("x-ratelimit-remaining-requests"), h.get("x-ratelimit-limit-requests"),
                h.get("x-ratelimit-reset-requests"), h.get("x-ratelimit-remaining-tokens"),
                h.get("x-ratelimit-limit-tokens"), h.get("x-ratelimit-reset-tokens"));
    }

    @Override
    public byte[] errorBody(int status, String code, String message, ExhaustionDetail detail) {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode error = doc.putObject("error");
        error.put("message", message);
        error.put("type", errorType(status));
        error.putNull("param");
        error.put("code", code);
        Errors.addDetail(error, detail);
        return Errors.bytes(doc);
    }

    @Override
    public void appendAssistant(ObjectNode request, String text) {
        request.withArray("messages").addObject().put("role", "assistant").put("content", text);
    }

    @Override
    public Buffer streamError(String code, String message) {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode error = doc.putObject("error");
        error.put("message", message);
        error.put("type", "upstream_error");
        error.putNull("param");
        error.put("code", code);
        return Errors.sse(null, doc);
    }

    @Override
    public String errorType(int status) {
        return Translator.errorType(Wire.OPENAI_CHAT, status);
    }
}
