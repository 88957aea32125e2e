package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.TranslationException.invalid;
import static dev.switchboard.relay.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.relay.translate.Chat.Message;
import dev.switchboard.relay.translate.Chat.Part;
import dev.switchboard.relay.translate.Chat.Role;
import dev.switchboard.relay.translate.Chat.ToolChoiceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Anthropic messages requests ⇄ the neutral form (answers: {@link AnthropicAnswers}; streams:
 * {@link FromAnthropicStream}, {@link ToAnthropicStream}).
 */
final class AnthropicCodec {

    private static final String TARGET = "non-Anthropic";
    /** Anthropic's tool_use id alphabet; other ids (from OpenAI-compatible servers) are rewritten deterministically. */
    private static final Pattern NOT_ID = Pattern.compile("[^a-zA-Z0-9_-]");


    private AnthropicCodec() {
    }


    static Chat decodeRequest(ObjectNode b) {
        for (String f : List.of("mcp_servers", "container", "output_format")) {
            if (Json.present(b, f)) {
                throw unsupported(f, TARGET);
            }
        }
        List<String> system = new ArrayList<>();
        JsonNode sys = b.get("system");
        if (sys != null && sys.isTextual()) {
            system.add(sys.asText());
        } else if (sys != null && sys.isArray()) {
            for (int i = 0; i < sys.size(); i++) {
                if (!"text".equals(sys.get(i).path("type").asText())) {
                    throw invalid("system[" + i + "].type", "system blocks must be text");
                }
                system.add(sys.get(i).path("text").asText(""));
            }
        } else if (sys != null && !sys.isNull()) {
            throw invalid("system", "'system' must be a string or an array of text blocks");
        }
        JsonNode ms = b.path("messages");
        if (!ms.isArray()) {
            throw invalid("messages", "'messages' must be an array");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            messages.add(decodeMessage(ms.get(i), "messages[" + i + "]"));
        }
        Integer maxTokens = Json.positiveInt(b, "max_tokens");
        List<String> stop = new ArrayList<>();
        JsonNode ss = b.get("stop_sequences");
        if (ss != null && ss.isArray()) {
            ss.forEach(s -> stop.add(s.asText()));
        }
        Integer budget = null;
        JsonNode thinking = b.get("thinking");
        if (thinking != null && "enabled".equals(thinking.path("type").asText())) {
            budget = thinking.path("budget_tokens").asInt(RequestSettings.MIN_THINKING_BUDGET);
        }
        JsonNode tc = b.get("tool_choice");
        Boolean parallel = tc != null && tc.path("disable_parallel_tool_use").asBoolean(false) ? Boolean.FALSE : null;
        return new Chat(system, messages, maxTokens, Json.number(b, "temperature"), Json.number(b, "top_p"), stop, tools(b),
                toolChoice(tc), parallel, Json.text(b.path("metadata").get("user_id")), budget, null,
                b.path("stream").asBoolean(false));
    }

    private static List<Chat.Tool> tools(ObjectNode b) {
        List<Chat.Tool> out = new ArrayList<>();
        JsonNode ts = b.get("tools");
        if (ts == null || ts.isNull()) {
            return out;
        }
        for (int i = 0; i < ts.size(); i++) {
            JsonNode t = ts.get(i);
            String type = t.path("type").asText("custom");
            if (!"custom".equals(type)) {
                throw unsupported("tools[" + i + "]", TARGET);
            }
            String name = Json.text(t.get("name"));
            if (name == null) {
                throw invalid("tools[" + i + "].name", "'tools[" + i + "].name' is required");
            }
            JsonNode schema = t.get("input_schema");
            if (schema == null || schema.isNull()) {
                schema = Json.object().put("type", "object").set("properties", Json.object());
            }
            out.add(new Chat.Tool(name, Json.text(t.get("description")), schema));
        }
        return out;
    }

    private static Chat.ToolChoice toolChoice(JsonNode tc) {
        if (tc == null || tc.isNull()) {
            return null;
        }
        return switch (tc.path("type").asText("")) {
            case "auto" -> new Chat.ToolChoice(ToolChoiceKind.AUTO, null);
            case "any" -> new Chat.ToolChoice(ToolChoiceKind.ANY, null);
            case "none" -> new Chat.ToolChoice(ToolChoiceKind.NONE, null);
            case "tool" -> new Chat.ToolChoice(ToolChoiceKind.TOOL, tc.path("name").asText(""));
            default -> throw invalid("tool_choice.type", "'tool_choice.type' must be auto, any, none or tool");
        };
    }

    private static Message decodeMessage(JsonNode m, String p) {
        Role role = switch (m.path("role").asText("")) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw invalid(p + ".role", "'" + p + ".role' must be user or assistant");
        };
        List<Part> parts = new ArrayList<>();
        JsonNode c = m.get("content");
        if (c != null && c.isTextual()) {
            parts.add(new Chat.Text(c.asText()));
            return new Message(role, parts);
        }
        if (c == null || !c.isArray()) {
            throw invalid(p + ".content", "'" + p + ".content' must be a string or an array of blocks");
        }
        for (int j = 0; j < c.size(); j++) {
            JsonNode block = c.get(j);
            String bp = p + ".content[" + j + "]";
            switch (block.path("type").asText("")) {
                case "text" -> parts.add(new Chat.Text(block.path("text").asText("")));
                case "image" -> parts.add(image(block.path("source"), bp));
                case "tool_use" -> parts.add(new Chat.ToolCall(block.path("id").asText(""), block.path("name").asText(""),
                        block.path("input").isObject() ? block.get("input") : Json.object()));
                case "tool_result" -> parts.add(new Chat.ToolResult(block.path("tool_use_id").asText(""),
                        toolResultText(block.get("content"), bp + ".content")));
                case "thinking", "redacted_thinking" -> {
                    // dropped: OpenAI takes no reasoning back (see FieldLists)
                }
                case "document", "search_result", "server_tool_use", "web_search_tool_result",
                        "web_fetch_tool_result", "code_execution_tool_result", "mcp_tool_use", "mcp_tool_result",
                        "container_upload" -> throw unsupported(bp, TARGET);
                default -> throw invalid(bp + ".type", "'" + bp + ".type' is not a known content block type");
            }
        }
        return new Message(role, parts);
    }

    private static Chat.Image image(JsonNode source, String p) {
        return switch (source.path("type").asText("")) {
            case "base64" -> new Chat.Image(source.path("media_type").asText(""), source.path("data").asText(""), null);
            case "url" -> new Chat.Image(null, null, source.path("url").asText(""));
            case "file" -> throw unsupported(p + ".source", TARGET);
            default -> throw invalid(p + ".source.type", "'" + p + ".source.type' must be base64 or url");
        };
    }

    private static String toolResultText(JsonNode c, String p) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < c.size(); k++) {
            if (!"text".equals(c.get(k).path("type").asText())) {
                throw unsupported(p + "[" + k + "]", TARGET);
            }
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(c.get(k).path("text").asText(""));
        }
        return b.toString();
    }

    static ObjectNode encodeRequest(Chat c, RequestSettings s) {
        ObjectNode b = Json.object();
        b.put("model", s.upstreamModel());
        int maxTokens = c.maxTokens() != null ? c.maxTokens() : s.defaultMaxTokens();
        b.put("max_tokens", maxTokens);
        if (c.system().size() == 1) {
            b.put("system", c.system().getFirst());
        } else if (!c.system().isEmpty()) {
            ArrayNode sys = b.putArray("system");
            c.system().forEach(t -> sys.addObject().put("type", "text").put("text", t));
        }
        b.set("messages", messages(c.messages()));
        Integer budget = thinkingBudget(c, s, maxTokens);
        if (budget != null) {
            b.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        } else {
            // Anthropic's range is [0, 1]; OpenAI's [0, 2]
            if (c.temperature() != null) {
                b.put("temperature", Math.max(0.0, Math.min(1.0, c.temperature())));
            }
            if (c.topP() != null) {
                b.put("top_p", c.topP());
            }
        }
        if (!c.stop().isEmpty()) {
            ArrayNode stop = b.putArray("stop_sequences");
            c.stop().forEach(stop::add);
        }
        if (!c.tools().isEmpty()) {
            ArrayNode ts = b.putArray("tools");
            for (Chat.Tool t : c.tools()) {
                ObjectNode tool = ts.addObject().put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
                tool.set("input_schema", t.parameters());
            }
            ObjectNode choice = null;
            if (c.toolChoice() != null) {
                choice = b.putObject("tool_choice");
                switch (c.toolChoice().kind()) {
                    case AUTO -> choice.put("type", "auto");
                    case ANY -> choice.put("type", "any");
                    case NONE -> choice.put("type", "none");
                    case TOOL -> choice.put("type", "tool").put("name", c.toolChoice().name());
                }
            }
            if (Boolean.FALSE.equals(c.parallelToolCalls())
                    && (choice == null || c.toolChoice().kind() != ToolChoiceKind.NONE)) {
                if (choice == null) {
                    choice = b.putObject("tool_choice").put("type", "auto");
                }
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (c.user() != null) {
            b.putObject("metadata").put("user_id", c.user());
        }
        if (c.stream()) {
            b.put("stream", true);
        }
        return b;
    }

    /**
     * The budget for {@code reasoning_effort}: below {@code max_tokens} (which on OpenAI includes reasoning), at least
     * Anthropic's minimum, and not with a forced tool choice (Anthropic refuses thinking with any/tool); else none.
     */
    private static Integer thinkingBudget(Chat c, RequestSettings s, int maxTokens) {
        Integer budget = s.thinkingBudgetFor(c.reasoningEffort());
        if (budget == null) {
            return null;
        }
        if (c.toolChoice() != null && (c.toolChoice().kind() == ToolChoiceKind.ANY
                || c.toolChoice().kind() == ToolChoiceKind.TOOL)) {
            return null;
        }
        budget = Math.min(budget, maxTokens - 1);
        return budget >= RequestSettings.MIN_THINKING_BUDGET ? budget : null;
    }

    /**
     * Neutral turns as Anthropic wants them: same-role neighbours merged, tool results first in a user turn, and
     * turns left without any block (an empty text) skipped, since Anthropic refuses empty content.
     */
    private static ArrayNode messages(List<Message> in) {
        ArrayNode out = Json.array();
        Role last = null;
        ArrayNode content = null;
        for (Message m : in) {
            for (Part part : m.parts()) {
                ObjectNode block = block(part);
                if (block == null) {
                    continue;
                }
                if (m.role() != last) {
                    last = m.role();
                    content = out.addObject().put("role", m.role() == Role.USER ? "user" : "assistant").putArray("content");
                }
                if (part instanceof Chat.ToolResult) {
                    int at = 0; // after the tool results already there, before any other block
                    while (at < content.size() && "tool_result".equals(content.get(at).path("type").asText())) {
                        at++;
                    }
                    content.insert(at, block);
                } else {
                    content.add(block);
                }
            }
        }
        return out;
    }

    private static ObjectNode block(Part part) {
        ObjectNode b = Json.object();
        switch (part) {
            case Chat.Text t -> {
                if (t.text().isEmpty()) {
                    return null; // Anthropic refuses empty text blocks
                }
                b.put("type", "text").put("text", t.text());
            }
            case Chat.Image img -> {
                ObjectNode src = b.put("type", "image").putObject("source");
                if (img.url() != null) {
                    src.put("type", "url").put("url", img.url());
                } else {
                    src.put("type", "base64").put("media_type", img.mediaType()).put("data", img.data());
                }
            }
            case Chat.ToolCall call -> b.put("type", "tool_use").put("id", toolId(call.id())).put("name", call.name())
                    .set("input", call.input());
            case Chat.ToolResult r -> b.put("type", "tool_result").put("tool_use_id", toolId(r.toolCallId()))
                    .put("content", r.content());
        }
        return b;
    }

    static String toolId(String id) {
        return NOT_ID.matcher(id).replaceAll("_");
    }
}
