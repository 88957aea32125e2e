package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An estimate of an Anthropic request's input tokens, for {@code /v1/messages/count_tokens} when the candidate
 * speaks OpenAI (which has no counting endpoint). Heuristic, not a tokenizer: one token per 4 characters (UTF-16
 * units, rounded up) of every text the model reads — system, message text, tool-call names and arguments as JSON,
 * tool results, tool names, descriptions and schemas as JSON — plus 1600 tokens per image (Anthropic's ceiling for
 * an image that is not downscaled), 4 tokens per message and 3 for the request. English prose is usually within
 * ±20 %; code, JSON and non-Latin scripts tokenize denser and are underestimated.
 */
final class TokenEstimate {

    static final int CHARS_PER_TOKEN = 4;
    static final int IMAGE_TOKENS = 1600;
    static final int MESSAGE_TOKENS = 4;
    static final int REQUEST_TOKENS = 3;

    private long chars;
    private long fixed = REQUEST_TOKENS;

    private TokenEstimate() {
    }

    static long of(JsonNode body) {
        if (body == null || !body.isObject() || !body.path("messages").isArray()) {
            throw TranslationException.invalid("messages", "'messages' must be an array");
        }
        TokenEstimate e = new TokenEstimate();
        e.content(body.get("system"));
        for (JsonNode m : body.get("messages")) {
            e.fixed += MESSAGE_TOKENS;
            e.content(m.get("content"));
        }
        for (JsonNode t : body.path("tools")) {
            e.chars += t.path("name").asText("").length() + t.path("description").asText("").length();
            if (t.has("input_schema")) {
                e.chars += Json.write(t.get("input_schema")).length();
            }
        }
        return e.fixed + (e.chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private void content(JsonNode c) {
        if (c == null || c.isNull()) {
            return;
        }
        if (c.isTextual()) {
            chars += c.asText().length();
            return;
        }
        for (JsonNode block : c) {
            switch (block.path("type").asText("")) {
                case "text" -> chars += block.path("text").asText("").length();
                case "image" -> fixed += IMAGE_TOKENS;
                case "tool_use" -> chars += block.path("name").asText("").length() + Json.write(block.path("input")).length();
                case "tool_result" -> content(block.get("content"));
                case "thinking" -> chars += block.path("thinking").asText("").length();
                default -> chars += Json.write(block).length(); // documents and the like: their JSON as a rough bound
            }
        }
    }
}
