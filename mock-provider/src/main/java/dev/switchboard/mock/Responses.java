package dev.switchboard.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}): OpenAI's keys, headers and error bodies, a
 * {@code response} object for JSON answers and its event sequence for streams (named events numbered by
 * {@code sequence_number}, ended by {@code response.completed} / {@code response.incomplete}, no
 * {@code [DONE]}). The request is read through {@link #asChat}, so the answer is the same deterministic one a
 * chat request with the same conversation gets. Built with trees: this endpoint is not on the benchmarks' path.
 */
final class Responses extends Protocol {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final OpenAi openAi = new OpenAi();

    /**
     * The request as a chat completions body for {@link Prompt}: {@code instructions} and system/developer items
     * become system messages, {@code function_call} items assistant tool calls, {@code function_call_output} items
     * tool messages, {@code max_output_tokens} is {@code max_tokens}; tools and tool_choice keep their flat shape
     * (Prompt reads either).
     */
    static ObjectNode asChat(JsonNode body) {
        ObjectNode chat = F.objectNode();
        chat.set("model", body.get("model"));
        chat.put("stream", body.path("stream").asBoolean(false));
        if (body.has("max_output_tokens")) {
            chat.set("max_tokens", body.get("max_output_tokens"));
        }
        for (String f : List.of("tools", "tool_choice")) {
            if (body.has(f)) {
                chat.set(f, body.get(f));
            }
        }
        ArrayNode messages = chat.putArray("messages");
        if (body.path("instructions").isTextual()) {
            messages.addObject().put("role", "system").put("content", body.get("instructions").asText());
        }
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return chat;
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> messages.addObject().put("role", item.path("role").asText("user"))
                        .set("content", content(item.get("content")));
                case "function_call" -> {
                    ObjectNode call = messages.addObject().put("role", "assistant").putArray("tool_calls").addObject()
                            .put("id", item.path("call_id").asText()).put("type", "function");
                    call.putObject("function").put("name", item.path("name").asText())
                            .put("arguments", item.path("arguments").asText("{}"));
                }
                case "function_call_output" -> messages.addObject().put("role", "tool")
                        .put("tool_call_id", item.path("call_id").asText())
                        .set("content", content(item.get("output")));
                default -> {
                    // reasoning and built-in tool items: not part of the conversation text
                }
            }
        }
        return chat;
    }

    /** Content parts as chat parts: texts keep their text, {@code input_image} becomes {@code image_url}. */
    private static JsonNode content(JsonNode c) {
        if (c == null || !c.isArray()) {
            return c == null ? F.textNode("") : c;
        }
        ArrayNode out = F.arrayNode();
        for (JsonNode part : c) {
            if ("input_image".equals(part.path("type").asText())) {
                out.addObject().put("type", "image_url").putObject("image_url").put("url", part.path("image_url").asText());
            } else {
                out.addObject().put("type", "text").put("text", part.path("text").asText(""));
            }
        }
        return out;
    }

    @Override
    Buffer errorBody(int status, String code, String model, String requestId) {
        return openAi.errorBody(status, code, model, requestId);
    }

    @Override
    void errorHeaders(MultiMap headers, int status, String code, Integer retryAfter, String requestId) {
        openAi.errorHeaders(headers, status, code, retryAfter, requestId);
    }

    @Override
    void successHeaders(MultiMap headers, Fault fault, long promptTokens, String requestId) {
        openAi.successHeaders(headers, fault, promptTokens, requestId);
    }

    @Override
    Buffer badRequest(String message, String param, String requestId) {
        return openAi.badRequest(message, param, requestId);
    }

    @Override
    Buffer completion(Prompt p, String id) {
        return Buffer.buffer(write(response(p, id, status(p), items(p, id))));
    }

    /** The events in OpenAI's order: created, in_progress, per item its added/delta/done events, the terminal one. */
    @Override
    Stream stream(Prompt p, String id) {
        Events e = new Events();
        e.add("response.created", F.objectNode().set("response", response(p, id, "in_progress", F.arrayNode())));
        e.add("response.in_progress", F.objectNode().set("response", response(p, id, "in_progress", F.arrayNode())));
        int firstContent = -1;
        ArrayNode items = items(p, id);
        for (int i = 0; i < items.size(); i++) {
            ObjectNode done = (ObjectNode) items.get(i);
            String itemId = done.get("id").asText();
            String type = done.get("type").asText();
            ObjectNode added = done.deepCopy();
            if ("message".equals(type)) {
                ((ArrayNode) added.get("content")).removeAll();
            } else if ("function_call".equals(type)) {
                added.put("arguments", "");
            } else {
                ((ArrayNode) added.get("summary")).removeAll();
            }
            if (added.has("status")) {
                added.put("status", "in_progress");
            }
            e.add("response.output_item.added", F.objectNode().put("output_index", i).set("item", added));
            if (firstContent < 0) {
                firstContent = e.events.size();
            }
            switch (type) {
                case "message" -> {
                    e.add("response.content_part.added", located(itemId, i).put("content_index", 0).set("part", textPart("")));
                    for (String piece : p.pieces()) {
                        e.add("response.output_text.delta", located(itemId, i).put("content_index", 0).put("delta", piece));
                    }
                    e.add("response.output_text.done", located(itemId, i).put("content_index", 0).put("text", p.reply));
                    e.add("response.content_part.done", located(itemId, i).put("content_index", 0).set("part", textPart(p.reply)));
                }
                case "function_call" -> {
                    String args = done.get("arguments").asText();
                    for (String fragment : p.argumentFragments(args, false)) {
                        e.add("response.function_call_arguments.delta", located(itemId, i).put("delta", fragment));
                    }
                    e.add("response.function_call_arguments.done", located(itemId, i).put("arguments", args));
                }
                default -> {
                    e.add("response.reasoning_summary_part.added", located(itemId, i).put("summary_index", 0)
                            .set("part", summaryPart("")));
                    for (String piece : Prompt.pieces(p.thinking)) {
                        e.add("response.reasoning_summary_text.delta", located(itemId, i).put("summary_index", 0).put("delta", piece));
                    }
                    e.add("response.reasoning_summary_text.done", located(itemId, i).put("summary_index", 0).put("text", p.thinking));
                    e.add("response.reasoning_summary_part.done", located(itemId, i).put("summary_index", 0)
                            .set("part", summaryPart(p.thinking)));
                }
            }
            e.add("response.output_item.done", F.objectNode().put("output_index", i).set("item", done));
        }
        String status = status(p);
        Buffer terminal = e.event("response." + status, F.objectNode().set("response", response(p, id, status, items)));
        return new Stream(e.events, terminal, Math.max(firstContent, 0));
    }

    /** Numbers the events as they are made. */
    private static final class Events {
        final List<Buffer> events = new ArrayList<>();
        long sequence;

        void add(String type, ObjectNode fields) {
            events.add(event(type, fields));
        }

        Buffer event(String type, ObjectNode fields) {
            ObjectNode e = F.objectNode().put("type", type).put("sequence_number", sequence++);
            e.setAll(fields);
            return Buffer.buffer("event: " + type + "\ndata: " + write(e) + "\n\n");
        }
    }

    private static ObjectNode located(String itemId, int outputIndex) {
        return F.objectNode().put("item_id", itemId).put("output_index", outputIndex);
    }

    private static String status(Prompt p) {
        return p.stop == Prompt.Stop.MAX_TOKENS || p.stop == Prompt.Stop.REFUSAL ? "incomplete" : "completed";
    }

    private static ArrayNode items(Prompt p, String id) {
        ArrayNode out = F.arrayNode();
        String suffix = id.substring(id.indexOf('_') + 1);
        if (p.thinking != null) {
            ObjectNode r = out.addObject().put("id", "rs_" + suffix + "_" + out.size()).put("type", "reasoning");
            r.putArray("summary").add(summaryPart(p.thinking));
        }
        if (!p.reply.isEmpty() || p.toolCalls.isEmpty()) {
            ObjectNode m = out.addObject().put("id", "msg_" + suffix + "_" + out.size()).put("type", "message")
                    .put("status", "completed").put("role", "assistant");
            m.putArray("content").add(textPart(p.reply));
        }
        for (Prompt.ToolCall c : p.toolCalls) {
            out.addObject().put("id", "fc_" + suffix + "_" + out.size()).put("type", "function_call")
                    .put("status", "completed").put("arguments", c.arguments()).put("call_id", c.id())
                    .put("name", c.name());
        }
        return out;
    }

    private static ObjectNode response(Prompt p, String id, String status, ArrayNode output) {
        ObjectNode r = F.objectNode().put("id", id).put("object", "response")
                .put("created_at", System.currentTimeMillis() / 1000).put("status", status);
        r.putNull("error");
        if ("incomplete".equals(status)) {
            r.putObject("incomplete_details").put("reason", p.stop == Prompt.Stop.REFUSAL ? "content_filter" : "max_output_tokens");
        } else {
            r.putNull("incomplete_details");
        }
        r.putNull("instructions");
        r.put("model", p.model);
        r.set("output", output);
        r.put("parallel_tool_calls", true);
        r.put("store", false);
        r.put("temperature", 1.0);
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.put("top_p", 1.0);
        r.putObject("metadata");
        if ("in_progress".equals(status)) {
            r.putNull("usage");
            return r;
        }
        Answer a = p.answer;
        long input = p.promptTokens + a.cacheRead + a.cacheWrite;
        ObjectNode u = r.putObject("usage").put("input_tokens", input);
        u.putObject("input_tokens_details").put("cached_tokens", a.cacheRead).put("cache_write_tokens", a.cacheWrite);
        u.put("output_tokens", p.completionTokens);
        u.putObject("output_tokens_details").put("reasoning_tokens", p.thinkingTokens());
        u.put("total_tokens", input + p.completionTokens);
        return r;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = F.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode summaryPart(String text) {
        return F.objectNode().put("type", "summary_text").put("text", text);
    }

    private static String write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code event: error} as OpenAI streams it: {@code {type, sequence_number, code, message, param}}. */
    @Override
    Buffer inbandErrorEvent(int status, String code, String model, String requestId) {
        JsonNode err;
        try {
            err = Json.parse(openAi.errorBody(status, code, model, requestId)).path("error");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode e = F.objectNode().put("type", "error").put("sequence_number", 0);
        e.set("code", err.path("code").isNull() ? F.textNode(err.path("type").asText()) : err.get("code"));
        e.set("message", err.get("message"));
        e.putNull("param");
        return Buffer.buffer("event: error\ndata: " + write(e) + "\n\n");
    }

    @Override
    int defaultInbandStatus() {
        return 500;
    }

    @Override
    Buffer malformedBody() {
        return Buffer.buffer("{\"id\":\"resp_mock\",\"object\":\"response\",\"output\":[{\"type\":\"message\",\"content\":[{\"text\":\"Ech");
    }

    @Override
    Buffer malformedEvent() {
        return Buffer.buffer("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Ech\n\n");
    }

    @Override
    Buffer terminator() {
        return Buffer.buffer("event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":1,"
                + "\"response\":{\"id\":\"resp_mock\",\"object\":\"response\",\"status\":\"completed\",\"output\":[]}}\n\n");
    }

    @Override
    boolean continuesPrefill() {
        return false;
    }

    @Override
    String toolCallIdPrefix() {
        return "call_mock_";
    }
}
