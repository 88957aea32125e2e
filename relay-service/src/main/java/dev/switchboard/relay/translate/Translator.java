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
            case OPENAI_RESPONSES -> ResponsesCodec.decodeRequest(clientBody, to);
        };
        return switch (to) {
            case OPENAI_CHAT -> OpenAiChatCodec.encodeRequest(chat, s);
            case ANTHROPIC_MESSAGES -> AnthropicCodec.encodeRequest(chat, s);
            case OPENAI_RESPONSES -> throw clientOnly();
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
        Reply reply = decodeResponse(from, upstreamJson);
        return switch (to) {
            case OPENAI_CHAT -> OpenAiChatAnswers.encodeResponse(reply, clientModel, System.currentTimeMillis() / 1000);
            case ANTHROPIC_MESSAGES -> AnthropicAnswers.encodeResponse(reply, clientModel);
            case OPENAI_RESPONSES -> throw new IllegalArgumentException("a Responses answer needs its settings: responsesAnswer");
        };
    }

    /**
     * A whole upstream JSON answer (2xx) of a chat wire as a Responses {@code response} object: id, model, creation
     * time and echoed settings from {@code s} ({@link #responsesEcho}).
     *
     * @throws TranslationException 502 when the upstream answer cannot be expressed (unparseable tool arguments)
     */
    public static ObjectNode responsesAnswer(Wire from, JsonNode upstreamJson, StreamSettings s) {
        distinct(from, Wire.OPENAI_RESPONSES);
        return ResponsesAnswers.encodeResponse(decodeResponse(from, upstreamJson), s);
    }

    private static Reply decodeResponse(Wire from, JsonNode upstreamJson) {
        return switch (from) {
            case OPENAI_CHAT -> OpenAiChatAnswers.decodeResponse(upstreamJson);
            case ANTHROPIC_MESSAGES -> AnthropicAnswers.decodeResponse(upstreamJson);
            case OPENAI_RESPONSES -> throw clientOnly();
        };
    }

    /**
     * Refuses (400 naming the field) a {@code /v1/responses} request no candidate can serve, whatever its wire: one
     * that refers to stored state ({@code previous_response_id}, {@code conversation}, {@code prompt}, an
     * {@code item_reference}, {@code background}) — the gateway is stateless — or whose {@code input} is not a string
     * or an array of items of known types. Runs before admission.
     */
    public static void checkResponsesRequest(ObjectNode clientBody) {
        ResponsesCheck.check(clientBody);
    }

    /** The request settings a Responses client's {@code response} objects echo ({@code store} always false). */
    public static ObjectNode responsesEcho(ObjectNode clientBody) {
        return ResponsesAnswers.echo(clientBody);
    }

    /** The usage of a whole upstream JSON answer of wire {@code from} (what the translated answer shows). */
    public static Usage usage(Wire from, JsonNode upstreamJson) {
        JsonNode u = upstreamJson == null ? null : upstreamJson.get("usage");
        return switch (from) {
            case OPENAI_CHAT -> Usage.fromOpenAi(u);
            case ANTHROPIC_MESSAGES -> Usage.fromAnthropic(u);
            case OPENAI_RESPONSES -> Usage.fromResponses(u);
        };
    }

    /** A translator for one upstream stream attempt of wire {@code from}, written in wire {@code to}. */
    public static StreamTranslator stream(Wire from, Wire to, StreamSettings s) {
        distinct(from, to);
        StreamEncoder enc = StreamEncoder.of(to, s);
        return switch (from) {
            case OPENAI_CHAT -> new FromOpenAiStream(enc);
            case ANTHROPIC_MESSAGES -> new FromAnthropicStream(enc);
            case OPENAI_RESPONSES -> throw clientOnly();
        };
    }

    /** The error {@code type} a wire gives a status (one table for the relay's own errors and translated ones). */
    public static String errorType(Wire wire, int status) {
        return switch (wire) {
            case OPENAI_CHAT, OPENAI_RESPONSES -> Errors.openAiType(status);
            case ANTHROPIC_MESSAGES -> Errors.anthropicType(status);
        };
    }

    /**
     * The relay's own error body in the client's dialect: OpenAI {@code {"error":{message,type,param,code}}},
     * Anthropic {@code {"type":"error","error":{type,message,code}}}; the type follows the status table.
     */
    public static String error(Wire clientWire, int status, String code, String message) {
        return Json.write(switch (clientWire) {
            case OPENAI_CHAT, OPENAI_RESPONSES -> Errors.openAiBody(status, code, message, null);
            case ANTHROPIC_MESSAGES -> Errors.anthropicBody(status, code, message);
        });
    }

    /** The error body for a refused request: as {@link #error} with the exception's code, OpenAI's with {@code param}. */
    public static String error(Wire clientWire, TranslationException e) {
        return Json.write(switch (clientWire) {
            case OPENAI_CHAT, OPENAI_RESPONSES -> Errors.openAiBody(e.status(), e.code(), e.getMessage(), e.param());
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
            case OPENAI_CHAT, OPENAI_RESPONSES -> Errors.fromOpenAi(status, doc);
            case ANTHROPIC_MESSAGES -> Errors.fromAnthropic(status, doc);
        };
        return switch (to) {
            case OPENAI_CHAT, OPENAI_RESPONSES -> {
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
        streamError(clientWire, code, message, 0, out);
    }

    /**
     * As {@link #streamError(Wire, String, String, Sink)}; a Responses client gets {@code event: error}
     * {@code {type: error, sequence_number, code, message, param: null}}, numbered {@code sequence} (the next number
     * of the stream it ends).
     */
    public static void streamError(Wire clientWire, String code, String message, long sequence, Sink out) {
        switch (clientWire) {
            case OPENAI_CHAT -> out.event(null, Json.write(Errors.openAiBody(502, code, message, null)));
            case ANTHROPIC_MESSAGES -> out.event("error", Json.write(Errors.anthropicBody(500, code, message)));
            case OPENAI_RESPONSES -> out.event("error", Json.write(Json.object().put("type", "error")
                    .put("sequence_number", Math.max(0, sequence)).put("code", code).put("message", message)
                    .putNull("param")));
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
            case OPENAI_RESPONSES -> FieldLists.RESPONSES_REFUSED;
        };
    }

    /** Fields dropped without effect on the answer for that direction; field → why. */
    public static Map<String, String> droppedFields(Wire from, Wire to) {
        distinct(from, to);
        return switch (from) {
            case OPENAI_CHAT -> FieldLists.OPENAI_DROPPED;
            case ANTHROPIC_MESSAGES -> FieldLists.ANTHROPIC_DROPPED;
            case OPENAI_RESPONSES -> FieldLists.RESPONSES_DROPPED;
        };
    }

    private static IllegalArgumentException clientOnly() {
        return new IllegalArgumentException("OpenAI Responses is a client wire only: a Responses upstream is passed through");
    }

    private static void distinct(Wire from, Wire to) {
        if (from == to) {
            throw new IllegalArgumentException("no translation from " + from + " to itself: forward the bytes");
        }
    }
}
