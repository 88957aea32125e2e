package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The OpenAI Responses {@code response} object and its output items, for a whole answer ({@link #encodeResponse})
 * and for the streamed events ({@link ToResponsesStream} builds the same objects). Ids: the response's is the hop's
 * {@code resp_…}; an item's is {@code msg_ / rs_ / fc_} + the response id's suffix + the item's output index, so
 * it is stable for the life of the item and unique within the response. A function call keeps the upstream's id as
 * {@code call_id}.
 */
final class ResponsesAnswers {

    /** Request settings a response echoes, with the API's defaults when the client gave none. */
    private static final List<String> ECHOED = List.of("instructions", "max_output_tokens", "max_tool_calls",
            "parallel_tool_calls", "reasoning", "temperature", "text", "tool_choice", "tools", "top_p", "truncation",
            "user", "metadata");

    private ResponsesAnswers() {
    }

    /** The settings of a client request as its response shows them; {@code store} is always false (nothing is kept). */
    static ObjectNode echo(ObjectNode request) {
        ObjectNode e = Json.object();
        for (String f : ECHOED) {
            JsonNode v = request.get(f);
            if (v != null && !v.isNull()) {
                e.set(f, v);
            }
        }
        putDefault(e, "parallel_tool_calls", Json.F.booleanNode(true));
        putDefault(e, "temperature", Json.F.numberNode(1.0));
        putDefault(e, "top_p", Json.F.numberNode(1.0));
        putDefault(e, "tool_choice", Json.F.textNode("auto"));
        putDefault(e, "tools", Json.array());
        putDefault(e, "truncation", Json.F.textNode("disabled"));
        putDefault(e, "metadata", Json.object());
        putDefault(e, "text", Json.object().set("format", Json.object().put("type", "text")));
        ObjectNode reasoning = Json.object();
        reasoning.set("effort", request.path("reasoning").path("effort").isTextual()
                ? request.path("reasoning").get("effort") : Json.F.nullNode());
        reasoning.set("summary", request.path("reasoning").path("summary").isTextual()
                ? request.path("reasoning").get("summary") : Json.F.nullNode());
        e.set("reasoning", reasoning);
        e.put("store", false);
        return e;
    }

    private static void putDefault(ObjectNode e, String field, JsonNode value) {
        if (!e.has(field)) {
            e.set(field, value);
        }
    }

    /**
     * A whole {@code response} object.
     *
     * @param status {@code in_progress}, {@code completed}, {@code incomplete} or {@code failed}
     * @param stop why the model stopped (decides {@code incomplete_details}); null while in progress
     * @param usage null while in progress
     * @param error {@code {code, message}} of a failed response, else null
     */
    static ObjectNode response(StreamSettings s, String status, StopReason stop, ArrayNode output, Usage usage,
            ObjectNode error) {
        ObjectNode r = Json.object().put("id", s.responseId()).put("object", "response").put("created_at", s.created())
                .put("status", status).put("background", false);
        r.set("error", error == null ? Json.F.nullNode() : error);
        String incomplete = incompleteReason(stop);
        r.set("incomplete_details", incomplete == null ? Json.F.nullNode() : Json.object().put("reason", incomplete));
        r.put("model", s.clientModel());
        r.set("output", output);
        r.putNull("previous_response_id");
        JsonNode echo = s.echo() == null ? Json.object() : s.echo();
        echo.properties().forEach(m -> r.set(m.getKey(), m.getValue()));
        r.set("usage", usage == null ? Json.F.nullNode() : usage(usage));
        return r;
    }

    /** The terminal status for a stop: {@code incomplete} for a length or content-filter stop, else {@code completed}. */
    static String status(StopReason stop) {
        return incompleteReason(stop) == null ? "completed" : "incomplete";
    }

    private static String incompleteReason(StopReason stop) {
        if (stop == null) {
            return null;
        }
        return switch (stop) {
            case MAX_TOKENS -> "max_output_tokens";
            case REFUSAL -> "content_filter";
            default -> null;
        };
    }

    /**
     * {@code input_tokens} counts the cached prompt too, as OpenAI does ({@code cached_tokens} read from the cache,
     * {@code cache_write_tokens} written to it); reasoning tokens are not reported apart (0).
     */
    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.object().put("input_tokens", u.promptTokensOpenAi());
        o.putObject("input_tokens_details").put("cached_tokens", u.cacheReadTokens())
                .put("cache_write_tokens", u.cacheWriteTokens());
        o.put("output_tokens", u.outputTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", 0);
        o.put("total_tokens", u.totalTokens());
        return o;
    }

    static String itemId(StreamSettings s, String prefix, int outputIndex) {
        String id = s.responseId();
        return prefix + (id.startsWith("resp_") ? id.substring(5) : id) + "_" + outputIndex;
    }

    static ObjectNode message(String id, String status, String text) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (text != null) {
            content.add(textPart(text));
        }
        return m;
    }

    static ObjectNode textPart(String text) {
        ObjectNode p = Json.object().put("type", "output_text").put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }

    static ObjectNode reasoning(String id, String summary) {
        ObjectNode r = Json.object().put("id", id).put("type", "reasoning");
        ArrayNode parts = r.putArray("summary");
        if (summary != null) {
            parts.add(summaryPart(summary));
        }
        return r;
    }

    static ObjectNode summaryPart(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }

    static ObjectNode functionCall(String id, String status, String callId, String name, String arguments) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status).put("arguments", arguments)
                .put("call_id", callId).put("name", name);
    }

    /** A whole answer: thinking → a reasoning item, text → one message item, each tool call → a function_call item. */
    static ObjectNode encodeResponse(Reply r, StreamSettings s) {
        ArrayNode output = Json.array();
        StringBuilder text = null;
        for (Reply.Block block : r.blocks()) {
            if (block instanceof Reply.Text t && text != null) {
                text.append(t.text());
                continue;
            }
            flushText(text, output, s);
            text = null;
            switch (block) {
                case Reply.Text t -> text = new StringBuilder(t.text());
                case Reply.Thinking t -> output.add(reasoning(itemId(s, "rs_", output.size()), t.text()));
                case Reply.ToolCall c -> output.add(functionCall(itemId(s, "fc_", output.size()), "completed", c.id(),
                        c.name(), Json.write(c.input())));
            }
        }
        flushText(text, output, s);
        return response(s, status(r.stopReason()), r.stopReason(), output, r.usage(), null);
    }

    private static void flushText(StringBuilder text, ArrayNode output, StreamSettings s) {
        if (text != null) {
            output.add(message(itemId(s, "msg_", output.size()), "completed", text.toString()));
        }
    }
}
