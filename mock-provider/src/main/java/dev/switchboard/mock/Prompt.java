package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What the mock reads from a chat request (OpenAI {@code messages} or Anthropic {@code system} +
 * {@code messages}) and the deterministic answer it derives from it: the same request always gives
 * the same text, thinking, tool calls and usage (only ids and timestamps differ), so a restarted
 * request can be spliced onto a broken one.
 *
 * <p>Cost on the default path (string contents, no directive): one pass over the messages, one
 * {@code indexOf} of the directive in the last user text. Images, tools, tool results and prefills are
 * only looked at when content is an array or the last message asks for it.
 */
final class Prompt {

    /** Echoed text is capped so a benchmark's huge prompt does not produce a huge answer. */
    static final int MAX_ECHO_CHARS = 2000;
    static final String NO_USER_TEXT_REPLY = "Hello from mock-provider.";
    static final String REFUSAL_REPLY = "I'm sorry, but I can't help with that request.";
    static final String DEFAULT_TOOL = "mock_tool";
    /** Text echoed into tool arguments and thinking is capped to keep them short. */
    private static final int MAX_ARG_TEXT = 200;

    /** Why the answer ended; each protocol names it its own way. */
    enum Stop {
        END, MAX_TOKENS, TOOL_USE, REFUSAL
    }

    /** One tool call of the answer; {@code arguments} is a JSON object as text. */
    record ToolCall(int index, String id, String name, String arguments) {
    }

    final String model;
    final boolean stream;
    final boolean includeUsage;
    /** {@code max_tokens} / {@code max_completion_tokens}; -1 when absent. */
    final long maxTokens;
    /** Input tokens besides the cache (Anthropic {@code input_tokens}). */
    final long promptTokens;
    final Answer answer;
    /** The text of the answer; empty when an answer is tool calls only. */
    final String reply;
    final boolean truncated;
    /** Thinking text, or null. */
    final String thinking;
    final String signature;
    final List<ToolCall> toolCalls;
    final Stop stop;
    final long completionTokens;
    /** The last message is an assistant turn (a prefill). */
    final boolean endsWithAssistant;

    /**
     * @param headerAnswer    the {@code x-mock-answer} spec (the prompt's directive is laid over it)
     * @param protocol     whether a trailing assistant message is continued (Anthropic) or ignored
     *                     (OpenAI answers from the last user message), and how tool-call ids look
     * @throws IllegalArgumentException when the prompt's answer directive does not parse
     */
    Prompt(JsonNode body, String model, Answer headerAnswer, Protocol protocol) {
        boolean continuePrefill = protocol.continuesPrefill();
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

        Images images = Images.scan(null, body.get("system"));
        long chars = textLength(body.get("system"));
        String lastUser = null;
        JsonNode last = null;
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                JsonNode content = m.get("content");
                images = Images.scan(images, content);
                String t = text(content);
                chars += t == null ? 0 : t.length();
                // A user turn of tool results only is not the user's text (the directive stays in force).
                if ("user".equals(Json.text(m, "role")) && !(t != null && t.isEmpty() && startsWithToolResult(content))) {
                    lastUser = t;
                }
                last = m;
            }
        }
        this.promptTokens = tokens(chars);
        String lastRole = last == null ? null : Json.text(last, "role");
        this.endsWithAssistant = "assistant".equals(lastRole);

        Answer a = headerAnswer;
        if (lastUser != null) {
            int at = lastUser.indexOf(Answer.DIRECTIVE);
            if (at >= 0) {
                int end = at + Answer.DIRECTIVE.length();
                while (end < lastUser.length() && !Character.isWhitespace(lastUser.charAt(end))) {
                    end++;
                }
                a = a.overriddenBy(Answer.parse(lastUser.substring(at + Answer.DIRECTIVE.length(), end)));
                lastUser = lastUser.substring(0, at) + lastUser.substring(end);
            }
        }
        this.answer = a;
        String userText = lastUser == null || lastUser.isBlank() ? null : lastUser.strip();
        List<String> results = toolResults(messages, last, lastRole);

        String r;
        if (a.refusal) {
            r = REFUSAL_REPLY;
        } else if (results != null) {
            r = "Tool results: " + String.join(" | ", results);
        } else {
            r = userText == null ? NO_USER_TEXT_REPLY : "Echo: " + userText;
        }
        if (images != null) {
            r = r + " [images: " + images.count + " (" + images.kinds + ")]";
        }
        if (r.length() > MAX_ECHO_CHARS) {
            r = r.substring(0, MAX_ECHO_CHARS);
        }
        if (continuePrefill && endsWithAssistant) {
            String prefill = text(last.get("content"));
            if (prefill != null && !prefill.isEmpty() && r.startsWith(prefill)) {
                r = r.substring(prefill.length());
            }
        }
        // Tool calls are only made for a fresh user turn: after tool results the answer is text,
        // so an SDK's tool round trip ends.
        List<ToolCall> calls = a.tools > 0 && results == null && !endsWithAssistant
                ? toolCalls(body, a, userText, protocol.toolCallIdPrefix()) : List.of();
        if (!calls.isEmpty() && !a.withText) {
            r = "";
        }
        boolean cut = false;
        if (maxTokens > 0 && !r.isEmpty() && tokens(r.length()) > maxTokens) {
            r = r.substring(0, (int) Math.min(r.length(), maxTokens * 4));
            cut = true;
        }
        this.reply = r;
        this.truncated = cut;
        this.toolCalls = calls;
        if (a.thinking) {
            String t = "Thinking about: " + cap(userText == null ? NO_USER_TEXT_REPLY : userText);
            this.thinking = t;
            this.signature = "mock-signature-" + Long.toHexString(fnv(t));
        } else {
            this.thinking = null;
            this.signature = null;
        }
        this.stop = a.refusal ? Stop.REFUSAL : !calls.isEmpty() ? Stop.TOOL_USE : cut ? Stop.MAX_TOKENS : Stop.END;
        long out = r.isEmpty() ? 0 : r.length();
        if (!calls.isEmpty()) {
            for (ToolCall c : calls) {
                out += c.name().length() + c.arguments().length();
            }
        }
        this.completionTokens = tokens(out) + (thinking == null ? 0 : tokens(thinking.length()));
    }

    /** Tokens the model spent thinking (part of {@link #completionTokens}). */
    long thinkingTokens() {
        return thinking == null ? 0 : tokens(thinking.length());
    }

    /** Token estimate used everywhere: one token per 4 characters, rounded up, at least 1. */
    static long tokens(long chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    /** The reply cut into word-sized pieces (each piece keeps its leading whitespace). */
    List<String> pieces() {
        return pieces(reply);
    }

    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            out.add(text.substring(start, i));
            start = i;
        }
        return out;
    }

    /** A tool call's arguments cut into fragments of {@code arg-chunk} characters (one empty fragment for none). */
    List<String> argumentFragments(String arguments, boolean emptyAsNothing) {
        if (emptyAsNothing && "{}".equals(arguments)) {
            return List.of("");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arguments.length(); i += answer.argChunk) {
            out.add(arguments.substring(i, Math.min(arguments.length(), i + answer.argChunk)));
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

    /** Images seen anywhere in the request, in order: {@code base64 image/png}, {@code url https://...}. */
    private static final class Images {
        int count;
        final StringBuilder kinds = new StringBuilder();

        void add(String kind) {
            if (count++ > 0) {
                kinds.append(", ");
            }
            kinds.append(kind);
        }

        /**
         * Adds the OpenAI {@code image_url} parts and Anthropic {@code image} blocks (also inside tool
         * results) of a content value; created on the first image only, so text requests allocate nothing.
         */
        static Images scan(Images images, JsonNode parts) {
            if (parts == null || !parts.isArray()) {
                return images;
            }
            for (JsonNode part : parts) {
                String type = Json.text(part, "type");
                String kind = null;
                if ("image_url".equals(type)) {
                    JsonNode iu = part.get("image_url");
                    String url = iu == null ? null : iu.isTextual() ? iu.asText() : Json.text(iu, "url");
                    kind = url != null && url.startsWith("data:") ? "base64 " + mediaType(url) : "url " + url;
                } else if ("image".equals(type)) {
                    JsonNode src = part.path("source");
                    kind = "base64".equals(Json.text(src, "type"))
                            ? "base64 " + Json.text(src, "media_type") : "url " + Json.text(src, "url");
                } else if ("tool_result".equals(type)) {
                    images = scan(images, part.get("content"));
                }
                if (kind != null) {
                    if (images == null) {
                        images = new Images();
                    }
                    images.add(kind);
                }
            }
            return images;
        }

        private static String mediaType(String dataUri) {
            int semi = dataUri.indexOf(';');
            int comma = dataUri.indexOf(',');
            int end = semi > 0 && (comma < 0 || semi < comma) ? semi : comma;
            return end > 5 ? dataUri.substring(5, end) : "unknown";
        }
    }

    private static long textLength(JsonNode content) {
        String t = text(content);
        return t == null ? 0 : t.length();
    }

    private static boolean startsWithToolResult(JsonNode content) {
        return content.isArray() && !content.isEmpty() && "tool_result".equals(Json.text(content.get(0), "type"));
    }

    /**
     * The texts of the tool results that end the conversation, or null when it does not end with
     * them: OpenAI trailing {@code role: tool} messages, Anthropic a last user turn with
     * {@code tool_result} blocks.
     */
    private static List<String> toolResults(JsonNode messages, JsonNode last, String lastRole) {
        if (last == null) {
            return null;
        }
        if ("tool".equals(lastRole)) {
            List<String> out = new ArrayList<>();
            List<JsonNode> trailing = new ArrayList<>();
            for (int i = messages.size() - 1; i >= 0 && "tool".equals(Json.text(messages.get(i), "role")); i--) {
                trailing.addFirst(messages.get(i));
            }
            for (JsonNode m : trailing) {
                String t = text(m.get("content"));
                out.add(t == null ? "" : t);
            }
            return out;
        }
        JsonNode content = last.get("content");
        if ("user".equals(lastRole) && content != null && content.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode block : content) {
                if ("tool_result".equals(Json.text(block, "type"))) {
                    String t = text(block.get("content"));
                    out.add(t == null ? "" : t);
                }
            }
            return out.isEmpty() ? null : out;
        }
        return null;
    }

    private static List<ToolCall> toolCalls(JsonNode body, Answer a, String userText, String idPrefix) {
        List<String> names = new ArrayList<>();
        if (a.tool != null) {
            names.add(a.tool);
        } else {
            JsonNode choice = body.get("tool_choice");
            String chosen = choice == null ? null
                    : choice.has("function") ? Json.text(choice.get("function"), "name") : Json.text(choice, "name");
            if (chosen != null) {
                names.add(chosen);
            } else if (body.path("tools").isArray()) {
                for (JsonNode t : body.get("tools")) {
                    String n = t.has("function") ? Json.text(t.get("function"), "name") : Json.text(t, "name");
                    if (n != null) {
                        names.add(n);
                    }
                }
            }
        }
        if (names.isEmpty()) {
            names.add(DEFAULT_TOOL);
        }
        String seed = Long.toHexString(fnv(userText == null ? "" : userText));
        List<ToolCall> calls = new ArrayList<>(a.tools);
        for (int i = 0; i < a.tools; i++) {
            String args = a.emptyArgs ? "{}" : "{\"call\":" + i + ",\"text\":" + quote(cap(userText == null ? "" : userText)) + "}";
            String id = idPrefix + seed + "_" + i;
            calls.add(new ToolCall(i, id, names.get(i % names.size()), args));
        }
        return calls;
    }

    private static String cap(String s) {
        return s.length() > MAX_ARG_TEXT ? s.substring(0, MAX_ARG_TEXT) : s;
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** FNV-1a 64 of the UTF-16 chars: stable across runs and JVMs. */
    static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
