package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What the mock reads from a chat request (OpenAI {@code messages} or Anthropic {@code system} +
 * {@code messages}) and the deterministic reply it derives from it.
 */
final class Prompt {

    /** Echoed text is capped so a benchmark's huge prompt does not produce a huge answer. */
    static final int MAX_ECHO_CHARS = 2000;
    static final String NO_USER_TEXT_REPLY = "Hello from mock-provider.";

    final String model;
    final boolean stream;
    final boolean includeUsage;
    /** {@code max_tokens} / {@code max_completion_tokens}; -1 when absent. */
    final long maxTokens;
    final long promptTokens;
    final String reply;
    final boolean truncated;
    final long completionTokens;

    Prompt(JsonNode body, String model) {
        this.model = model;
        this.stream = body.path("stream").asBoolean(false);
        this.includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        long max = -1;
        for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = body.get(f);
            if (v != null && v.canConvertToLong() && v.asLong() > 0) {
                max = v.asLong();
                break;
            }
        }
        this.maxTokens = max;

        long chars = textLength(body.get("system"));
        String lastUser = null;
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                JsonNode content = m.get("content");
                chars += textLength(content);
                if ("user".equals(Json.text(m, "role"))) {
                    lastUser = text(content);
                }
            }
        }
        this.promptTokens = tokens(chars);

        String r = lastUser == null || lastUser.isBlank() ? NO_USER_TEXT_REPLY : "Echo: " + lastUser.strip();
        if (r.length() > MAX_ECHO_CHARS) {
            r = r.substring(0, MAX_ECHO_CHARS);
        }
        boolean cut = false;
        if (maxTokens > 0 && tokens(r.length()) > maxTokens) {
            r = r.substring(0, (int) Math.min(r.length(), maxTokens * 4));
            cut = true;
        }
        this.reply = r;
        this.truncated = cut;
        this.completionTokens = tokens(r.length());
    }

    /** Token estimate used everywhere: one token per 4 characters, rounded up, at least 1. */
    static long tokens(long chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    /** The reply cut into word-sized pieces (each piece keeps its leading whitespace). */
    List<String> pieces() {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = reply.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(reply.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(reply.charAt(i))) {
                i++;
            }
            out.add(reply.substring(start, i));
            start = i;
        }
        return out;
    }

    /** Text of a content value: a string, or an array of blocks whose {@code text} fields are joined. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                String t = part.isTextual() ? part.asText() : Json.text(part, "text");
                if (t != null) {
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(t);
                }
            }
            return sb.toString();
        }
        return null;
    }

    private static long textLength(JsonNode content) {
        String t = text(content);
        return t == null ? 0 : t.length();
    }
}
