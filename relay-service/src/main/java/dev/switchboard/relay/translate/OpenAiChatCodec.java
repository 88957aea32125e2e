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

/**
 * OpenAI chat completion requests ⇄ the neutral form (answers: {@link OpenAiChatAnswers}; streams:
 * {@link FromOpenAiStream}, {@link ToOpenAiStream}).
 */
final class OpenAiChatCodec {

    private static final String TARGET = "non-OpenAI";


    private OpenAiChatCodec() {
    }


    static Chat decodeRequest(ObjectNode b) {
        refuse(b);
        List<String> system = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        JsonNode ms = b.path("messages");
        if (!ms.isArray()) {
            throw invalid("messages", "'messages' must be an array");
        }
        for (int i = 0; i < ms.size(); i++) {
            decodeMessage(ms.get(i), "messages[" + i + "]", system, messages);
        }
        Integer maxTokens = Json.positiveInt(b, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Json.positiveInt(b, "max_tokens");
        }
        return new Chat(system, messages, maxTokens, Json.number(b, "temperature"), Json.number(b, "top_p"), stop(b),
                tools(b), toolChoice(b), Json.present(b, "parallel_tool_calls") ? b.get("parallel_tool_calls").asBoolean() : null,
                Json.text(b.get("user")), null, Json.text(b.get("reasoning_effort")), b.path("stream").asBoolean(false));
    }

    private static void refuse(ObjectNode b) {
        if (Json.present(b, "n") && b.get("n").asInt(1) != 1) {
            throw unsupported("n", TARGET);
        }
        if (b.path("logprobs").asBoolean(false)) {
            throw unsupported("logprobs", TARGET);
        }
        if (Json.present(b, "top_logprobs") && b.get("top_logprobs").asInt(0) != 0) {
            throw unsupported("top_logprobs", TARGET);
        }
        if (b.path("logit_bias").isObject() && !b.get("logit_bias").isEmpty()) {
            throw unsupported("logit_bias", TARGET);
        }
        JsonNode rf = b.get("response_format");
        if (rf != null && !rf.isNull() && !"text".equals(rf.path("type").asText())) {
            throw unsupported("response_format", TARGET);
        }
        for (String f : List.of("audio", "web_search_options", "functions", "function_call")) {
            if (Json.present(b, f)) {
                throw unsupported(f, TARGET);
            }
        }
        JsonNode mod = b.get("modalities");
        if (mod != null && mod.isArray()) {
            for (JsonNode m : mod) {
                if (!"text".equals(m.asText())) {
                    throw unsupported("modalities", TARGET);
                }
            }
        }
    }

    private static List<String> stop(ObjectNode b) {
        JsonNode s = b.get("stop");
        List<String> out = new ArrayList<>();
        if (s == null || s.isNull()) {
            return out;
        }
        if (s.isTextual()) {
            out.add(s.asText());
            return out;
        }
        if (!s.isArray()) {
            throw invalid("stop", "'stop' must be a string or an array of strings");
        }
        for (int i = 0; i < s.size(); i++) {
            if (!s.get(i).isTextual()) {
                throw invalid("stop[" + i + "]", "'stop' must be a string or an array of strings");
            }
            out.add(s.get(i).asText());
        }
        return out;
    }

    private static List<Chat.Tool> tools(ObjectNode b) {
        List<Chat.Tool> out = new ArrayList<>();
        JsonNode ts = b.get("tools");
        if (ts == null || ts.isNull()) {
            return out;
        }
        if (!ts.isArray()) {
            throw invalid("tools", "'tools' must be an array");
        }
        for (int i = 0; i < ts.size(); i++) {
            JsonNode t = ts.get(i);
            String p = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText("function"))) {
                throw unsupported(p + ".type", TARGET);
            }
            String name = Json.text(t.path("function").get("name"));
            if (name == null) {
                throw invalid(p + ".function.name", "'" + p + ".function.name' is required");
            }
            JsonNode params = t.path("function").get("parameters");
            if (params == null || params.isNull()) {
                params = Json.object().put("type", "object").set("properties", Json.object());
            }
            out.add(new Chat.Tool(name, Json.text(t.path("function").get("description")), params));
        }
        return out;
    }

    private static Chat.ToolChoice toolChoice(ObjectNode b) {
        JsonNode tc = b.get("tool_choice");
        if (tc == null || tc.isNull()) {
            return null;
        }
        if (tc.isTextual()) {
            return switch (tc.asText()) {
                case "auto" -> new Chat.ToolChoice(ToolChoiceKind.AUTO, null);
                case "required" -> new Chat.ToolChoice(ToolChoiceKind.ANY, null);
                case "none" -> new Chat.ToolChoice(ToolChoiceKind.NONE, null);
                default -> throw invalid("tool_choice", "'tool_choice' must be auto, required, none or a function");
            };
        }
        if ("function".equals(tc.path("type").asText()) && Json.text(tc.path("function").get("name")) != null) {
            return new Chat.ToolChoice(ToolChoiceKind.TOOL, tc.path("function").get("name").asText());
        }
        throw unsupported("tool_choice", TARGET);
    }

    private static void decodeMessage(JsonNode m, String p, List<String> system, List<Message> out) {
        String role = m.path("role").asText("");
        switch (role) {
            case "system", "developer" -> system.add(textOnly(m.get("content"), p + ".content"));
            case "user" -> out.add(new Message(Role.USER, userParts(m.get("content"), p + ".content")));
            case "assistant" -> out.add(new Message(Role.ASSISTANT, assistantParts(m, p)));
            case "tool" -> {
                String id = Json.text(m.get("tool_call_id"));
                if (id == null) {
                    throw invalid(p + ".tool_call_id", "'" + p + ".tool_call_id' is required");
                }
                out.add(new Message(Role.USER, List.of(new Chat.ToolResult(id, textOnly(m.get("content"), p + ".content")))));
            }
            case "function" -> throw unsupported(p + ".role", TARGET);
            default -> throw invalid(p + ".role", "'" + p + ".role' must be system, developer, user, assistant or tool");
        }
    }

    /** A string, or an array of text parts joined: system, developer and tool contents. */
    private static String textOnly(JsonNode c, String p) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw invalid(p, "'" + p + "' must be a string or an array of text parts");
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < c.size(); j++) {
            if (!"text".equals(c.get(j).path("type").asText())) {
                throw unsupported(p + "[" + j + "]", TARGET);
            }
            b.append(c.get(j).path("text").asText(""));
        }
        return b.toString();
    }

    private static List<Part> userParts(JsonNode c, String p) {
        List<Part> parts = new ArrayList<>();
        if (c == null || c.isNull()) {
            return parts;
        }
        if (c.isTextual()) {
            parts.add(new Chat.Text(c.asText()));
            return parts;
        }
        if (!c.isArray()) {
            throw invalid(p, "'" + p + "' must be a string or an array of parts");
        }
        for (int j = 0; j < c.size(); j++) {
            JsonNode part = c.get(j);
            String pp = p + "[" + j + "]";
            switch (part.path("type").asText("")) {
                case "text" -> parts.add(new Chat.Text(part.path("text").asText("")));
                case "image_url" -> parts.add(image(part.path("image_url").path("url").asText(""), pp + ".image_url.url"));
                case "input_audio", "file" -> throw unsupported(pp, TARGET);
                default -> throw invalid(pp + ".type", "'" + pp + ".type' is not a known content part type");
            }
        }
        return parts;
    }

    /** A data URI ({@code data:image/png;base64,…}) or an http(s) URL. */
    static Chat.Image image(String url, String p) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64") || meta.length() == 7) {
                throw invalid(p, "'" + p + "' must be a base64 data URI or an http(s) URL");
            }
            return new Chat.Image(meta.substring(0, meta.length() - 7), url.substring(comma + 1), null);
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return new Chat.Image(null, null, url);
        }
        throw invalid(p, "'" + p + "' must be a base64 data URI or an http(s) URL");
    }

    private static List<Part> assistantParts(JsonNode m, String p) {
        List<Part> parts = new ArrayList<>();
        if (Json.present(m, "function_call")) {
            throw unsupported(p + ".function_call", TARGET);
        }
        JsonNode c = m.get("content");
        if (c != null && c.isTextual()) {
            parts.add(new Chat.Text(c.asText()));
        } else if (c != null && c.isArray()) {
            for (int j = 0; j < c.size(); j++) {
                String type = c.get(j).path("type").asText("");
                if ("text".equals(type)) {
                    parts.add(new Chat.Text(c.get(j).path("text").asText("")));
                } else if (!"refusal".equals(type)) {
                    throw invalid(p + ".content[" + j + "].type", "assistant content parts must be text or refusal");
                }
            }
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int k = 0; k < calls.size(); k++) {
                JsonNode call = calls.get(k);
                String cp = p + ".tool_calls[" + k + "]";
                String id = Json.text(call.get("id"));
                String name = Json.text(call.path("function").get("name"));
                if (id == null || name == null) {
                    throw invalid(cp, "'" + cp + "' needs an id and a function name");
                }
                parts.add(new Chat.ToolCall(id, name,
                        arguments(call.path("function").path("arguments").asText(""), cp + ".function.arguments", 400)));
            }
        }
        return parts;
    }

    /** Tool arguments as an object: blank means {@code {}}; anything else must be a JSON object. */
    static JsonNode arguments(String text, String p, int status) {
        if (text.isBlank()) {
            return Json.object();
        }
        JsonNode parsed = Json.parse(text);
        if (parsed == null || !parsed.isObject()) {
            throw new TranslationException(status, p,
                    status == 400 ? TranslationException.INVALID : TranslationException.UPSTREAM_INVALID,
                    "'" + p + "' is not a JSON object");
        }
        return parsed;
    }

    static ObjectNode encodeRequest(Chat c, RequestSettings s) {
        ObjectNode b = Json.object();
        b.put("model", s.upstreamModel());
        ArrayNode ms = b.putArray("messages");
        if (!c.system().isEmpty()) {
            ms.addObject().put("role", "system").put("content", String.join("\n\n", c.system()));
        }
        for (Message m : c.messages()) {
            if (m.role() == Role.USER) {
                encodeUser(m, ms);
            } else {
                encodeAssistant(m, ms);
            }
        }
        if (c.maxTokens() != null) {
            // reasoning models refuse max_tokens; older compatible servers only know it
            boolean reasons = s.thinkingSupported() || c.reasoningEffort() != null;
            b.put(reasons ? "max_completion_tokens" : "max_tokens", c.maxTokens());
        }
        if (c.temperature() != null) {
            b.put("temperature", c.temperature());
        }
        if (c.topP() != null) {
            b.put("top_p", c.topP());
        }
        if (!c.stop().isEmpty()) {
            ArrayNode stop = b.putArray("stop");
            c.stop().forEach(stop::add);
        }
        if (!c.tools().isEmpty()) {
            ArrayNode ts = b.putArray("tools");
            for (Chat.Tool t : c.tools()) {
                ObjectNode f = ts.addObject().put("type", "function").putObject("function");
                f.put("name", t.name());
                if (t.description() != null) {
                    f.put("description", t.description());
                }
                f.set("parameters", t.parameters());
            }
            if (c.toolChoice() != null) {
                switch (c.toolChoice().kind()) {
                    case AUTO -> b.put("tool_choice", "auto");
                    case ANY -> b.put("tool_choice", "required");
                    case NONE -> b.put("tool_choice", "none");
                    case TOOL -> b.putObject("tool_choice").put("type", "function").putObject("function")
                            .put("name", c.toolChoice().name());
                }
            }
            if (Boolean.FALSE.equals(c.parallelToolCalls())) {
                b.put("parallel_tool_calls", false);
            }
        }
        if (c.user() != null) {
            b.put("user", c.user());
        }
        if (c.thinkingBudget() != null && s.effortFor(c.thinkingBudget()) != null) {
            b.put("reasoning_effort", s.effortFor(c.thinkingBudget()));
        } else if (c.reasoningEffort() != null) { // a Responses client's reasoning.effort: same vendor, same values
            b.put("reasoning_effort", c.reasoningEffort());
        }
        if (c.responseFormat() != null) {
            b.set("response_format", c.responseFormat());
        }
        if (c.stream()) {
            b.put("stream", true);
            if (s.streamUsage()) {
                b.putObject("stream_options").put("include_usage", true);
            }
        }
        return b;
    }

    /** Tool results first, as {@code role:tool} messages, then the rest of the turn as one user message. */
    private static void encodeUser(Message m, ArrayNode ms) {
        List<Part> rest = new ArrayList<>();
        for (Part part : m.parts()) {
            if (part instanceof Chat.ToolResult r) {
                ms.addObject().put("role", "tool").put("tool_call_id", r.toolCallId()).put("content", r.content());
            } else {
                rest.add(part);
            }
        }
        if (rest.isEmpty()) {
            return;
        }
        ObjectNode msg = ms.addObject().put("role", "user");
        if (rest.size() == 1 && rest.getFirst() instanceof Chat.Text t) {
            msg.put("content", t.text());
            return;
        }
        ArrayNode content = msg.putArray("content");
        for (Part part : rest) {
            if (part instanceof Chat.Text t) {
                content.addObject().put("type", "text").put("text", t.text());
            } else if (part instanceof Chat.Image img) {
                String url = img.url() != null ? img.url() : "data:" + img.mediaType() + ";base64," + img.data();
                content.addObject().put("type", "image_url").putObject("image_url").put("url", url);
            }
        }
    }

    private static void encodeAssistant(Message m, ArrayNode ms) {
        ObjectNode msg = ms.addObject().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = null;
        for (Part part : m.parts()) {
            if (part instanceof Chat.Text t) {
                text.append(t.text());
            } else if (part instanceof Chat.ToolCall call) {
                if (calls == null) {
                    calls = Json.array();
                }
                ObjectNode tc = calls.addObject().put("id", call.id()).put("type", "function");
                tc.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
            }
        }
        if (text.isEmpty() && calls != null) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (calls != null) {
            msg.set("tool_calls", calls);
        }
    }
}
