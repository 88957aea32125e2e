package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.contracts.catalog.ProviderSnapshot;

/** The tenant API flavour of an endpoint: decides the error shape and the candidates' protocol. */
public enum Protocol {
    OPENAI(ProviderSnapshot.OPENAI),
    ANTHROPIC(ProviderSnapshot.ANTHROPIC);

    private final String wire;

    Protocol(String wire) {
        this.wire = wire;
    }

    /** The catalog protocol name ({@code openai} | {@code anthropic}). */
    public String wire() {
        return wire;
    }

    /** The error document of this protocol; {@code extra} is raw JSON members appended inside {@code error} (may be null). */
    public String error(int status, String code, String message, String extra) {
        String msg = quote(message);
        String more = extra == null || extra.isEmpty() ? "" : "," + extra;
        if (this == ANTHROPIC) {
            return "{\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType(status) + "\",\"message\":" + msg
                    + ",\"code\":" + quote(code) + more + "}}";
        }
        return "{\"error\":{\"message\":" + msg + ",\"type\":\"" + openAiType(status) + "\",\"param\":null,\"code\":"
                + quote(code) + more + "}}";
    }

    /** The explicit error event that ends a stream the upstream broke after the first byte. */
    public String streamError(String code, String message) {
        if (this == ANTHROPIC) {
            return "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":" + quote(message)
                    + ",\"code\":" + quote(code) + "}}\n\n";
        }
        return "data: {\"error\":{\"message\":" + quote(message) + ",\"type\":\"upstream_error\",\"param\":null,\"code\":"
                + quote(code) + "}}\n\n";
    }

    static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "insufficient_quota";
            case 403 -> "permission_error";
            case 404 -> "invalid_request_error";
            case 429 -> "rate_limit_error";
            case 502, 503, 504 -> "upstream_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
