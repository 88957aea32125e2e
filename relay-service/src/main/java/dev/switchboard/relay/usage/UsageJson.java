package dev.switchboard.relay.usage;

import dev.switchboard.contracts.events.UsageEvent;
import java.math.BigDecimal;

/**
 * Writes a {@link UsageEvent} as JSON without reflection: the same text Jackson's default ObjectMapper
 * writes (record component order, nulls included, BigDecimal via {@code toString()}, Jackson's string
 * escapes), so the ledger in auth-service reads it with its ObjectMapper. {@code UsageJsonTest} compares
 * both for odd values; a new component in the contract record must be added here.
 */
public final class UsageJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UsageJson() {
    }

    public static String write(UsageEvent e) {
        StringBuilder b = new StringBuilder(384);
        write(e, b);
        return b.toString();
    }

    public static void write(UsageEvent e, StringBuilder b) {
        b.append("{\"v\":").append(e.v());
        b.append(",\"requestId\":");
        string(b, e.requestId());
        b.append(",\"timestampMs\":").append(e.timestampMs());
        b.append(",\"apiKeyId\":").append(e.apiKeyId());
        b.append(",\"userId\":").append(e.userId());
        b.append(",\"groupId\":").append(e.groupId());
        b.append(",\"requestedModel\":");
        string(b, e.requestedModel());
        b.append(",\"resolvedVia\":");
        string(b, e.resolvedVia());
        b.append(",\"provider\":");
        string(b, e.provider());
        b.append(",\"upstreamModel\":");
        string(b, e.upstreamModel());
        b.append(",\"promptTokens\":").append(e.promptTokens());
        b.append(",\"completionTokens\":").append(e.completionTokens());
        b.append(",\"costUsd\":");
        BigDecimal cost = e.costUsd();
        b.append(cost == null ? "null" : cost.toString());
        b.append(",\"status\":").append(e.status());
        b.append(",\"attempts\":").append(e.attempts());
        b.append(",\"latencyMs\":").append(e.latencyMs());
        b.append(",\"ttfbMs\":");
        b.append(e.ttfbMs() == null ? "null" : e.ttfbMs().toString());
        b.append(",\"usageId\":");
        string(b, e.usageId());
        b.append('}');
    }

    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                b.append(c);
                continue;
            }
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        b.append('"');
    }
}
