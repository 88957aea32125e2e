package dev.switchboard.relay.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.RateLimits;
import dev.switchboard.relay.translate.Sink;
import dev.switchboard.relay.translate.Translator;
import dev.switchboard.relay.translate.Wire;
import dev.switchboard.relay.upstream.RequestBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Map;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}): a bearer key and {@code x-ratelimit-*} headers as chat
 * completions, named SSE events numbered by {@code sequence_number} and ended by {@code response.completed} /
 * {@code response.incomplete} (no {@code [DONE]}), usage in {@code usage.input_tokens / output_tokens} (on a stream,
 * in the terminal event's {@code response.usage}). It is a client dialect; as an upstream only an OpenAI provider
 * with the catalog's {@code responsesApi} flag speaks it, and gets the client's request passed through with the
 * model replaced and {@code store: false} (the gateway keeps nothing, so it asks no upstream to keep anything).
 */
public final class OpenAiResponses implements Dialect {

    OpenAiResponses() {
    }

    @Override
    public String wire() {
        return ProviderSnapshot.OPENAI;
    }

    @Override
    public String label() {
        return "openai-responses";
    }

    @Override
    public Wire translationWire() {
        return Wire.OPENAI_RESPONSES;
    }

    @Override
    public String chatPath() {
        return "/v1/responses";
    }

    @Override
    public void authorize(MultiMap headers, String secret) {
        if (secret != null) {
            headers.set("authorization", "Bearer " + secret);
        }
    }

    /** Re-serialised rather than spliced: {@code store} is forced to false, and Responses bodies are not on the measured path. */
    @Override
    public Buffer passthrough(RequestBody body, String upstreamModel, boolean askUsage) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(body.bytes());
            tree.put("model", upstreamModel);
            tree.put("store", false);
            return Buffer.buffer(JSON.writeValueAsBytes(tree));
        } catch (IOException | ClassCastException e) {
            return body.withModel(upstreamModel); // RequestBody.parse accepted one JSON object: not reached
        }
    }

    @Override
    public boolean asksStreamUsage(RequestBody body, boolean enabled) {
        return false; // the terminal event always carries usage
    }

    @Override
    public boolean isTerminal(String event, String data) {
        String type = type(event, data);
        return "response.completed".equals(type) || "response.incomplete".equals(type);
    }

    @Override
    public boolean isContent(String event, String data) {
        String type = type(event, data);
        return type != null && (type.endsWith(".delta") || type.equals("response.output_item.done")
                || isTerminal(event, data));
    }

    @Override
    public boolean isFinish(String event, String data) {
        return isTerminal(event, data);
    }

    /** The terminal event is the finish: there is no separate sentinel to add. */
    @Override
    public Buffer sentinel() {
        return Buffer.buffer(0);
    }

    @Override
    public boolean isError(String event, String data) {
        String type = type(event, data);
        return "error".equals(type) || "response.failed".equals(type);
    }

    @Override
    public long sequenceOf(String data) {
        int i = data == null ? -1 : data.indexOf("\"sequence_number\":");
        if (i < 0) {
            return -1;
        }
        long n = 0;
        int j = i + 18;
        while (j < data.length() && data.charAt(j) == ' ') {
            j++;
        }
        boolean digits = false;
        for (; j < data.length() && Character.isDigit(data.charAt(j)); j++) {
            n = n * 10 + (data.charAt(j) - '0');
            digits = true;
        }
        return digits ? n : -1;
    }

    @Override
    public JsonNode usageOf(JsonNode document) {
        if (document == null) {
            return null;
        }
        JsonNode usage = document.get("usage");
        if (usage == null || !usage.isObject()) {
            usage = document.path("response").get("usage"); // response.completed / incomplete / failed
        }
        return usage != null && usage.isObject() ? usage : null;
    }

    @Override
    public void readUsage(JsonNode usage, TokenCount into) {
        if (usage.has("input_tokens")) { // includes the cached prompt, as chat's prompt_tokens does
            into.prompt(usage.path("input_tokens").asLong(into.prompt()));
        }
        if (usage.has("output_tokens")) {
            into.completion(usage.path("output_tokens").asLong(into.completion()));
        }
    }

    @Override
    public RateLimits rateLimits(Map<String, String> headers) {
        return OPENAI.rateLimits(headers);
    }

    @Override
    public byte[] errorBody(int status, String code, String message, ExhaustionDetail detail) {
        return OPENAI.errorBody(status, code, message, detail);
    }

    @Override
    public void appendAssistant(ObjectNode request, String text) {
        JsonNode input = request.get("input");
        ArrayNode items;
        if (input != null && input.isArray()) {
            items = (ArrayNode) input;
        } else {
            items = request.putArray("input");
            if (input != null && input.isTextual()) {
                items.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                        .put("type", "input_text").put("text", input.asText());
            }
        }
        items.addObject().put("type", "message").put("role", "assistant").putArray("content").addObject()
                .put("type", "output_text").put("text", text);
    }

    @Override
    public Buffer streamError(String code, String message) {
        return streamError(code, message, 0);
    }

    @Override
    public Buffer streamError(String code, String message, long sequence) {
        Buffer b = Buffer.buffer(200);
        Translator.streamError(Wire.OPENAI_RESPONSES, code, message, sequence,
                (name, data) -> b.appendString(Sink.render(name, data)));
        return b;
    }

    @Override
    public String errorType(int status) {
        return Translator.errorType(Wire.OPENAI_RESPONSES, status);
    }

    /** The event's type: its SSE name, else the {@code type} member of its data. */
    private static String type(String event, String data) {
        if (event != null) {
            return event;
        }
        if (data == null) {
            return null;
        }
        int i = data.indexOf("\"type\":\"");
        if (i < 0) {
            return null;
        }
        int end = data.indexOf('"', i + 8);
        return end < 0 ? null : data.substring(i + 8, end);
    }
}
