package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The one entry point of the translation between wires (see {@code package-info}). Stateless and thread-safe;
 * streams get their own {@link StreamTranslator}. Same-wire calls are refused ({@link IllegalArgumentException}):
 * a same-protocol request is the hop's byte passthrough, never a translation.
 */
public final class Translator {

    private Translator() {
    }

    /**
     * The upstream request for a client body.
     *
     * @throws TranslationException 400 naming the field: unsupported on {@code to}, or invalid
     */
    public static ObjectNode request(Wire from, Wire to, ObjectNode clientBody, RequestSettings s) {
        distinct(from, to);
        Chat chat = switch (from) {
            case OPENAI_CHAT -> OpenAiChatCodec.decodeRequest(clientBody);
            case ANTHROPIC_MESSAGES -> AnthropicCodec.decodeRequest(clientBody);
        };
        return switch (to) {
            case OPENAI_CHAT -> OpenAiChatCodec.encodeRequest(chat, s);
            case ANTHROPIC_MESSAGES -> AnthropicCodec.encodeRequest(chat, s);
        };
    }

    /**
     * A whole upstream JSON answer (2xx) in the client's dialect, {@code model} being the name the client asked for.
     * OpenAI's {@code created} is the current time.
     *
     * @throws TranslationException 502 when the upstream answer cannot be expressed (unparseable tool arguments)
     */
    public static ObjectNode response(Wire from, Wire to, JsonNode upstreamJson, String clientModel) {
        distinct(from, to);
        Reply reply = switch (from) {
            case OPENAI_CHAT -> OpenAiChatAnswers.decodeResponse(upstreamJson);
            case ANTHROPIC_MESSAGES -> AnthropicAnswers.decodeResponse(upstreamJson);
        };
        return switch (to) {
            case OPENAI_CHAT -> OpenAiChatAnswers.encodeResponse(reply, clientModel, System.currentTimeMillis() / 1000);
            case ANTHROPIC_MESSAGES -> AnthropicAnswers.encodeResponse(reply, clientModel);
        };
    }

    /** The usage of a whole upstream JSON answer of wire {@code from} (what the translated answer shows). */
    public static Usage usage(Wire from, JsonNode upstreamJson) {
        JsonNode u = upstreamJson == null ? null : upstreamJson.get("usage");
        return switch (from) {
            case OPENAI_CHAT -> Usage.fromOpenAi(u);
            case ANTHROPIC_MESSAGES -> Usage.fromAnthropic(u);
        };
    }

    /** A translator for one upstream stream attempt of wire {@code from}, written in wire {@code to}. */
    public static StreamTranslator stream(Wire from, Wire to, StreamSettings s) {
        distinct(from, to);
        StreamEncoder enc = StreamEncoder.of(to, s);
        return switch (from) {
            case OPENAI_CHAT -> new FromOpenAiStream(enc);
            case ANTHROPIC_MESSAGES -> new FromAnthropicStream(enc);
        };
    }

    /** The error {@code type} a wire gives a status (one table for the relay's own errors and translated ones). */
    public static String errorType(Wire wire, int status) {
        return switch (wire) {
            case OPENAI_CHAT -> Errors.openAiType(status);
            case ANTHROPIC_MESSAGES -> Errors.anthropicType(status);
        };
    }

    /**
     * The relay's own error body in the client's dialect: OpenAI {@code {"error":{message,type,param,code}}},
     * Anthropic {@code {"type":"error","error":{type,message,code}}}; the type follows the status table.
     */
    public static String error(Wire clientWire, int status, String code, String message) {
        return Json.write(switch (clientWire) {
            case OPENAI_CHAT -> Errors.openAiBody(status, code, message, null);
            case ANTHROPIC_MESSAGES -> Errors.anthropicBody(status, code, message);
        });
    }

    /** The error body for a refused request: as {@link #error} with the exception's code, OpenAI's with {@code param}. */
    public static String error(Wire clientWire, TranslationException e) {
        return Json.write(switch (clientWire) {
            case OPENAI_CHAT -> Errors.openAiBody(e.status(), e.code(), e.getMessage(), e.param());
            case ANTHROPIC_MESSAGES -> Errors.anthropicBody(e.status(), e.code(), e.getMessage());
        });
    }

    /** An upstream error answer translated for the client: the status it gets, and the body. */
    public record TranslatedError(int status, String body) {
    }

    /**
     * An upstream error answer (non-2xx) of wire {@code from} in the client's dialect. The status changes only for
     * overloaded: Anthropic 529 → OpenAI 503, OpenAI 503 → Anthropic 529. The message and the upstream's code/type
     * are kept (as {@code code}); a body that is not the upstream's error shape gets a generic message. Headers such
     * as {@code retry-after} are the hop's to copy.
     */
    public static TranslatedError upstreamError(Wire from, Wire to, int status, String body) {
        distinct(from, to);
        JsonNode doc = body == null ? null : Json.parse(body);
        Errors.Neutral e = switch (from) {
            case OPENAI_CHAT -> Errors.fromOpenAi(status, doc);
            case ANTHROPIC_MESSAGES -> Errors.fromAnthropic(status, doc);
        };
        return switch (to) {
            case OPENAI_CHAT -> {
                int s = Errors.forOpenAiClient(e.status());
                yield new TranslatedError(s, Json.write(Errors.openAiBody(s, e.code(), e.message(), null)));
            }
            case ANTHROPIC_MESSAGES -> {
                int s = Errors.forAnthropicClient(e.status());
                yield new TranslatedError(s, Json.write(Errors.anthropicBody(s, e.code(), e.message())));
            }
        };
    }

    /**
     * The relay's own mid-stream error event (upstream cut, idle timeout, max-stream) in the client's dialect:
     * OpenAI {@code data: {"error":{…,"type":"upstream_error",…}}}, Anthropic {@code event: error} with
     * {@code api_error}. Same shapes as the relay writes today.
     */
    public static void streamError(Wire clientWire, String code, String message, Sink out) {
        switch (clientWire) {
            case OPENAI_CHAT -> out.event(null, Json.write(Errors.openAiBody(502, code, message, null)));
            case ANTHROPIC_MESSAGES -> out.event("error", Json.write(Errors.anthropicBody(500, code, message)));
        }
    }

    /**
     * {@code {"input_tokens": n}} for {@code /v1/messages/count_tokens} served by an OpenAI candidate: an
     * estimate (see {@link TokenEstimate}), never a count.
     */
    public static ObjectNode countTokensEstimate(ObjectNode anthropicRequest) {
        return Json.object().put("input_tokens", TokenEstimate.of(anthropicRequest));
    }

    /** Fields a client of wire {@code from} is refused (400 naming the field) when served by {@code to}; field → why. */
    public static Map<String, String> unsupportedFields(Wire from, Wire to) {
        distinct(from, to);
        return switch (from) {
            case OPENAI_CHAT -> FieldLists.OPENAI_REFUSED;
            case ANTHROPIC_MESSAGES -> FieldLists.ANTHROPIC_REFUSED;
        };
    }

    /** Fields dropped without effect on the answer for that direction; field → why. */
    public static Map<String, String> droppedFields(Wire from, Wire to) {
        distinct(from, to);
        return switch (from) {
            case OPENAI_CHAT -> FieldLists.OPENAI_DROPPED;
            case ANTHROPIC_MESSAGES -> FieldLists.ANTHROPIC_DROPPED;
        };
    }

    private static void distinct(Wire from, Wire to) {
        if (from == to) {
            throw new IllegalArgumentException("no translation from " + from + " to itself: forward the bytes");
        }
    }
}
