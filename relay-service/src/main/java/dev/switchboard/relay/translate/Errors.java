package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Error documents of both wires and the status ↔ type tables between them. Neutral form: an HTTP status as Anthropic
 * uses it (529 = overloaded), a message and a code (the upstream's own error type or code, kept for the client).
 */
final class Errors {

    /** A parsed upstream error in neutral form. */
    record Neutral(int status, String message, String code) {
    }

    private Errors() {
    }

    /** The Anthropic error type of a status. */
    static String anthropicType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The status of an Anthropic error type (529 for overloaded, as Anthropic sends it). */
    static int statusOfAnthropicType(String type) {
        return switch (type == null ? "" : type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }

    /** The OpenAI error type of a status: the table the relay's own OpenAI errors use. */
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

    /** The status an OpenAI error type or code stands for (an in-band stream error carries no status). */
    static int statusOfOpenAi(String type, String code) {
        String t = (type == null ? "" : type) + " " + (code == null ? "" : code);
        if (t.contains("insufficient_quota")) {
            return 402;
        }
        if (t.contains("rate_limit")) {
            return 429;
        }
        if (t.contains("authentication") || t.contains("invalid_api_key")) {
            return 401;
        }
        if (t.contains("permission")) {
            return 403;
        }
        if (t.contains("overloaded") || t.contains("unavailable")) {
            return 503;
        }
        if (t.contains("invalid_request")) {
            return 400;
        }
        return 500;
    }

    /** The status an OpenAI client sees: 529 (Anthropic's overloaded) is 503 there. */
    static int forOpenAiClient(int status) {
        return status == 529 ? 503 : status;
    }

    /** The status an Anthropic client sees: 503 is 529 overloaded there. */
    static int forAnthropicClient(int status) {
        return status == 503 ? 529 : status;
    }

    static ObjectNode openAiBody(int status, String code, String message, String param) {
        ObjectNode b = Json.object();
        ObjectNode e = b.putObject("error");
        e.put("message", message).put("type", openAiType(status));
        if (param == null) {
            e.putNull("param");
        } else {
            e.put("param", param);
        }
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return b;
    }

    static ObjectNode anthropicBody(int status, String code, String message) {
        ObjectNode b = Json.object().put("type", "error");
        ObjectNode e = b.putObject("error").put("type", anthropicType(status)).put("message", message);
        if (code != null) {
            e.put("code", code);
        }
        return b;
    }

    /** An Anthropic error body ({@code {"type":"error","error":{…}}}) or event; the status decides when given. */
    static Neutral fromAnthropic(int status, JsonNode body) {
        JsonNode e = body == null ? null : body.get("error");
        String type = e == null ? null : Json.text(e.get("type"));
        String message = e == null ? null : Json.text(e.get("message"));
        int s = status > 0 ? status : statusOfAnthropicType(type);
        return new Neutral(s, message != null ? message : "upstream error (status " + s + ")", type);
    }

    /** An OpenAI error body ({@code {"error":{…}}}) or in-band stream error chunk. */
    static Neutral fromOpenAi(int status, JsonNode body) {
        JsonNode e = body == null ? null : body.get("error");
        String type = e == null ? null : Json.text(e.get("type"));
        String code = e == null ? null : (e.path("code").isValueNode() && !e.path("code").isNull() ? e.get("code").asText() : null);
        String message = e == null ? null : Json.text(e.get("message"));
        int s = status > 0 ? status : statusOfOpenAi(type, code);
        return new Neutral(s, message != null ? message : "upstream error (status " + s + ")", code != null ? code : type);
    }
}
