package dev.switchboard.mock;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A parsed answer spec such as {@code tools=2;with-text} or {@code thinking,cache-read=100}: what
 * kind of answer a chat request gets, as opposed to a {@link Fault} (what goes wrong). Same grammar as
 * a fault spec: parameters separated by {@code ;} or {@code ,}, flags without a value, unknown names
 * rejected. Asked for by the {@code x-mock-answer} header or by a {@code mock-answer:<spec>} directive
 * in the last user message (the directive survives a relay that strips headers and translates the
 * request, because it is part of the prompt text). The directive ends at the first whitespace and is
 * not echoed.
 */
final class Answer {

    static final Answer PLAIN = new Answer(Map.of());

    static final String HEADER = "x-mock-answer";
    static final String DIRECTIVE = "mock-answer:";
    static final int MAX_TOOLS = 16;
    /** Streamed tool-call arguments are cut into fragments of this many characters unless {@code arg-chunk} says. */
    static final int DEFAULT_ARG_CHUNK = 8;

    private static final Set<String> FLAGS = Set.of("with-text", "empty-args", "thinking", "refusal");
    private static final Set<String> VALUED = Set.of("tools", "tool", "arg-chunk", "cache-read", "cache-write");

    private final Map<String, String> params;

    /** Number of parallel tool calls; 0 = a text answer. */
    final int tools;
    /** Tool name to call; null = from the request's {@code tool_choice} / {@code tools}, else {@code mock_tool}. */
    final String tool;
    /** With tool calls: a text block (Anthropic) / content (OpenAI) before them. */
    final boolean withText;
    /** Tool calls with {@code {}} as arguments. */
    final boolean emptyArgs;
    final int argChunk;
    /** A thinking block (Anthropic) / {@code reasoning_content} (OpenAI) before the answer. */
    final boolean thinking;
    final boolean refusal;
    final long cacheRead;
    final long cacheWrite;

    private Answer(Map<String, String> params) {
        this.params = params;
        this.tools = params.containsKey("tools") ? (int) number(params, "tools", 1, MAX_TOOLS)
                : params.containsKey("tool") || params.containsKey("empty-args") ? 1 : 0;
        this.tool = params.get("tool");
        if (tool != null && !tool.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("tool must be 1-64 of [A-Za-z0-9_-], was '" + tool + "'");
        }
        this.withText = params.containsKey("with-text");
        this.emptyArgs = params.containsKey("empty-args");
        this.argChunk = params.containsKey("arg-chunk") ? (int) number(params, "arg-chunk", 1, 1_000_000) : DEFAULT_ARG_CHUNK;
        this.thinking = params.containsKey("thinking");
        this.refusal = params.containsKey("refusal");
        this.cacheRead = params.containsKey("cache-read") ? number(params, "cache-read", 0, Integer.MAX_VALUE) : 0;
        this.cacheWrite = params.containsKey("cache-write") ? number(params, "cache-write", 0, Integer.MAX_VALUE) : 0;
        if (refusal && tools > 0) {
            throw new IllegalArgumentException("answer 'refusal' cannot be combined with tool calls");
        }
    }

    /**
     * Parses a spec; blank means a plain answer.
     *
     * @throws IllegalArgumentException naming the offending part
     */
    static Answer parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return PLAIN;
        }
        if (spec.length() > 512) {
            throw new IllegalArgumentException("answer spec longer than 512 characters");
        }
        Map<String, String> params = new TreeMap<>();
        for (String part : spec.split("[;,]")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1).trim();
            if (FLAGS.contains(name)) {
                if (value != null && !value.isEmpty() && !"true".equalsIgnoreCase(value)) {
                    throw new IllegalArgumentException("answer flag '" + name + "' takes no value");
                }
                params.put(name, "true");
            } else if (VALUED.contains(name)) {
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException("answer parameter '" + name + "' needs a value (" + name + "=...)");
                }
                params.put(name, value);
            } else {
                TreeSet<String> known = new TreeSet<>(FLAGS);
                known.addAll(VALUED);
                throw new IllegalArgumentException("unknown answer parameter '" + name + "'; known: " + String.join(", ", known));
            }
        }
        return params.isEmpty() ? PLAIN : new Answer(params);
    }

    /** This answer with {@code other}'s parameters laid over it (other wins on a clash). */
    Answer overriddenBy(Answer other) {
        if (other.params.isEmpty()) {
            return this;
        }
        if (params.isEmpty()) {
            return other;
        }
        Map<String, String> merged = new TreeMap<>(params);
        merged.putAll(other.params);
        return new Answer(merged);
    }

    boolean isPlain() {
        return params.isEmpty();
    }

    boolean hasCache() {
        return cacheRead > 0 || cacheWrite > 0;
    }

    private static long number(Map<String, String> params, String name, long min, long max) {
        String raw = params.get(name);
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("answer parameter '" + name + "' must be a whole number, was '" + raw + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("answer parameter '" + name + "' must be between " + min + " and " + max
                    + ", was " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            sb.append(FLAGS.contains(k) ? k : k + "=" + v);
        });
        return sb.toString();
    }
}
