package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.TranslationException.invalid;
import static dev.switchboard.relay.translate.TranslationException.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.relay.translate.Chat.Message;
import dev.switchboard.relay.translate.Chat.Part;
import dev.switchboard.relay.translate.Chat.Role;
import dev.switchboard.relay.translate.Chat.ToolChoiceKind;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Responses requests → the neutral form, for a candidate that speaks chat completions or Anthropic messages.
 * {@link ResponsesCheck} has already refused what no candidate can serve (stored state, unknown item types); this
 * class refuses what only a Responses upstream could serve (built-in tools, file inputs, structured output towards
 * Anthropic). Answers: {@link ResponsesAnswers}; streams: {@link ToResponsesStream}.
 */
final class ResponsesCodec {

    private static final String TARGET = "non-Responses";

    private ResponsesCodec() {
    }

    static Chat decodeRequest(ObjectNode b, Wire target) {
        ResponsesCheck.check(b);
        if (Json.present(b, "top_logprobs") && b.get("top_logprobs").asInt(0) != 0) {
            throw unsupported("top_logprobs", TARGET);
        }
        List<String> system = new ArrayList<>();
        String instructions = Json.text(b.get("instructions"));
        if (instructions != null && !instructions.isEmpty()) {
            system.add(instructions);
        }
        List<Message> messages = new ArrayList<>();
        JsonNode input = b.get("input");
        if (input.isTextual()) {
            messages.add(new Message(Role.USER, List.of(new Chat.Text(input.asText()))));
        } else {
            for (int i = 0; i < input.size(); i++) {
                item(input.get(i), "input[" + i + "]", system, messages);
            }
        }
        JsonNode reasoning = b.path("reasoning");
        return new Chat(system, messages, Json.positiveInt(b, "max_output_tokens"), Json.number(b, "temperature"),
                Json.number(b, "top_p"), List.of(), tools(b), toolChoice(b),
                Json.present(b, "parallel_tool_calls") ? b.get("parallel_tool_calls").asBoolean() : null,
                Json.text(b.get("user")), null, Json.text(reasoning.get("effort")), b.path("stream").asBoolean(false),
                responseFormat(b.path("text").get("format"), target));
    }

    private static void item(JsonNode it, String p, List<String> system, List<Message> out) {
        switch (ResponsesCheck.typeOf(it)) {
            case "message" -> message(it, p, system, out);
            case "function_call" -> {
                String id = Json.text(it.get("call_id"));
                String name = Json.text(it.get("name"));
                if (id == null || name == null) {
                    throw invalid(p, "'" + p + "' needs a call_id and a name");
                }
                JsonNode args = it.get("arguments");
                add(out, Role.ASSISTANT, new Chat.ToolCall(id, name, OpenAiChatCodec.arguments(
                        args != null && args.isTextual() ? args.asText() : "", p + ".arguments", 400)));
            }
            case "function_call_output" -> {
                String id = Json.text(it.get("call_id"));
                if (id == null) {
                    throw invalid(p + ".call_id", "'" + p + ".call_id' is required");
                }
                add(out, Role.USER, new Chat.ToolResult(id, outputText(it.get("output"), p + ".output")));
            }
            case "reasoning" -> {
                // earlier turns' reasoning (summaries, encrypted content): neither chat wire takes it back
            }
            default -> throw unsupported(p + ".type", TARGET);
        }
    }

    private static void message(JsonNode m, String p, List<String> system, List<Message> out) {
        String role = m.path("role").asText("");
        JsonNode c = m.get("content");
        String cp = p + ".content";
        if ("system".equals(role) || "developer".equals(role)) {
            StringBuilder text = new StringBuilder();
            for (Part part : parts(c, cp, false)) {
                if (part instanceof Chat.Text t) {
                    text.append(t.text());
                } else {
                    throw unsupported(cp, TARGET);
                }
            }
            system.add(text.toString());
            return;
        }
        Role r = "assistant".equals(role) ? Role.ASSISTANT : Role.USER;
        for (Part part : parts(c, cp, r == Role.ASSISTANT)) {
            add(out, r, part);
        }
    }

    /** A string, or content parts: {@code input_text} / {@code output_text} texts and {@code input_image}s. */
    private static List<Part> parts(JsonNode c, String p, boolean assistant) {
        List<Part> parts = new ArrayList<>();
        if (c.isTextual()) {
            parts.add(new Chat.Text(c.asText()));
            return parts;
        }
        for (int j = 0; j < c.size(); j++) {
            JsonNode part = c.get(j);
            String pp = p + "[" + j + "]";
            switch (part.path("type").asText("")) {
                case "input_text", "output_text" -> parts.add(new Chat.Text(part.path("text").asText("")));
                case "refusal" -> {
                    // an earlier refusal: history without equivalent
                }
                case "input_image" -> {
                    String url = Json.text(part.get("image_url"));
                    if (assistant || url == null) { // a file_id needs the Files API
                        throw unsupported(url == null ? pp + ".file_id" : pp, TARGET);
                    }
                    parts.add(OpenAiChatCodec.image(url, pp + ".image_url"));
                }
                default -> throw unsupported(pp, TARGET); // input_file, input_audio
            }
        }
        return parts;
    }

    /** A tool result: a string, or text parts joined. */
    private static String outputText(JsonNode o, String p) {
        if (o == null || o.isNull()) {
            return "";
        }
        if (o.isTextual()) {
            return o.asText();
        }
        if (!o.isArray()) {
            throw invalid(p, "'" + p + "' must be a string or an array of content parts");
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < o.size(); j++) {
            String type = o.get(j).path("type").asText("");
            if (!"input_text".equals(type) && !"output_text".equals(type)) {
                throw unsupported(p + "[" + j + "]", TARGET);
            }
            b.append(o.get(j).path("text").asText(""));
        }
        return b.toString();
    }

    /** Appends to the last turn when it has the same role: function calls join their assistant message. */
    private static void add(List<Message> out, Role role, Part part) {
        if (!out.isEmpty() && out.getLast().role() == role) {
            List<Part> parts = new ArrayList<>(out.getLast().parts());
            parts.add(part);
            out.set(out.size() - 1, new Message(role, parts));
        } else {
            out.add(new Message(role, List.of(part)));
        }
    }

    private static List<Chat.Tool> tools(ObjectNode b) {
        List<Chat.Tool> out = new ArrayList<>();
        JsonNode ts = b.get("tools");
        if (ts == null || ts.isNull()) {
            return out;
        }
        for (int i = 0; i < ts.size(); i++) {
            JsonNode t = ts.get(i);
            String p = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) {
                throw unsupported(p + ".type", TARGET); // web_search, file_search, mcp, computer_use, custom, …
            }
            JsonNode params = t.get("parameters");
            if (params == null || params.isNull()) {
                params = Json.object().put("type", "object").set("properties", Json.object());
            }
            out.add(new Chat.Tool(Json.text(t.get("name")), Json.text(t.get("description")), params));
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
        if ("function".equals(tc.path("type").asText()) && Json.text(tc.get("name")) != null) {
            return new Chat.ToolChoice(ToolChoiceKind.TOOL, tc.get("name").asText());
        }
        throw unsupported("tool_choice", TARGET); // allowed_tools, hosted tools, mcp, custom
    }

    /** {@code text.format} in OpenAI chat's {@code response_format} shape; null for plain text. */
    private static JsonNode responseFormat(JsonNode format, Wire target) {
        if (format == null || format.isNull() || "text".equals(format.path("type").asText())) {
            return null;
        }
        if (target != Wire.OPENAI_CHAT) {
            throw new TranslationException(400, "text.format", TranslationException.UNSUPPORTED,
                    "'text.format' (structured output) is not supported when the request is served by an Anthropic upstream");
        }
        return switch (format.path("type").asText()) {
            case "json_object" -> Json.object().put("type", "json_object");
            case "json_schema" -> {
                ObjectNode rf = Json.object().put("type", "json_schema");
                ObjectNode js = rf.putObject("json_schema");
                js.put("name", format.path("name").asText("response"));
                for (String f : List.of("description", "schema", "strict")) {
                    if (Json.present(format, f)) {
                        js.set(f, format.get(f));
                    }
                }
                yield rf;
            }
            default -> throw invalid("text.format.type", "'text.format.type' must be text, json_schema or json_object");
        };
    }
}
