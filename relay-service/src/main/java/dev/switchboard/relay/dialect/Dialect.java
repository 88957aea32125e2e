package dev.switchboard.relay.dialect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.RateLimits;
import dev.switchboard.relay.translate.Wire;
import dev.switchboard.relay.upstream.RequestBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Map;

/**
 * One wire protocol, everything the hop needs to know about it: how a provider key is presented, how a
 * tenant body is prepared for an upstream of this protocol, where usage sits, which SSE events end a
 * stream or report an error, how rate-limit headers are named, and what an error looks like. Nothing
 * outside this package branches on the protocol.
 */
public sealed interface Dialect permits OpenAiChat, AnthropicMessages, OpenAiResponses {

    OpenAiChat OPENAI = new OpenAiChat();
    AnthropicMessages ANTHROPIC = new AnthropicMessages();
    OpenAiResponses RESPONSES = new OpenAiResponses();

    /** Shared by the dialects for the small documents they build and the in-band events they inspect. */
    ObjectMapper JSON = new ObjectMapper();

    /** The dialect of a catalog protocol name ({@code openai} | {@code anthropic}); OpenAI for anything else. */
    static Dialect of(String wire) {
        return ProviderSnapshot.ANTHROPIC.equals(wire) ? ANTHROPIC : OPENAI;
    }

    /**
     * The dialect a provider answers a client of dialect {@code client} in: Responses for a Responses client when the
     * provider serves the Responses API (catalog {@code responsesApi}), else the provider's protocol.
     */
    static Dialect serving(ProviderSnapshot provider, Dialect client) {
        if (client == RESPONSES && provider.servesResponses()) {
            return RESPONSES;
        }
        return of(provider.protocol());
    }

    /** The catalog protocol name (Responses: {@code openai}, the protocol of the providers that may speak it). */
    String wire();

    /** The name in {@code x-switchboard-translated}: the catalog protocol name, {@code openai-responses} for Responses. */
    default String label() {
        return wire();
    }

    /** This protocol in the translation package's terms. */
    Wire translationWire();

    /** The chat path of an upstream of this protocol, where a translated chat request goes. */
    String chatPath();

    /** Adds the provider credential and the protocol's mandatory headers; a null secret adds no credential. */
    void authorize(MultiMap headers, String secret);

    /**
     * The body for an upstream of this protocol when no translation is needed: the tenant's bytes with the
     * model replaced, plus whatever this protocol needs to report usage on a stream.
     *
     * @param askUsage the relay wants the upstream's usage in the stream
     */
    Buffer passthrough(RequestBody body, String upstreamModel, boolean askUsage);

    /** Whether the relay should ask this upstream for stream usage for this body. */
    boolean asksStreamUsage(RequestBody body, boolean enabled);

    /** Whether an SSE event is the protocol's regular end of stream. */
    boolean isTerminal(String event, String data);

    /**
     * Whether an SSE event carries content the client would see (text, thinking, a tool call, a finish): the
     * first such event commits a stream. Called only until it returns true once.
     */
    boolean isContent(String event, String data);

    /** Whether an SSE event says the answer is finished (a finish reason, a stop reason), the sentinel aside. */
    boolean isFinish(String event, String data);

    /** The protocol's regular end of stream, for an upstream that finished but closed without it. */
    Buffer sentinel();

    /** Whether an SSE event is an in-band error. */
    default boolean isError(String event, String data) {
        if ("error".equals(event)) {
            return true;
        }
        if (data == null || !data.contains("\"error\"")) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(data);
            return node != null && node.isObject()
                    && (node.hasNonNull("error") || "error".equals(node.path("type").asText()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a parsed stream event is one the client did not ask for and must not see (OpenAI's usage-only chunk). */
    default boolean isUsageOnly(JsonNode event) {
        return false;
    }

    /** The usage object of a whole answer or a stream event, or null. */
    JsonNode usageOf(JsonNode document);

    /**
     * Reads {@code usage} from a whole JSON answer without building its tree: the other top-level members
     * (the completion itself, which can be large) are skipped token by token. Not JSON: nothing read.
     */
    default void readAnswerUsage(byte[] json, TokenCount into) {
        if (json.length == 0) {
            return;
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    readUsage(p.readValueAsTree(), into);
                    return;
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: no usage to read
        }
    }

    /** Adds what a usage object says to the running count (stream usage is cumulative: set, never added). */
    void readUsage(JsonNode usage, TokenCount into);

    /** The upstream's rate-limit headers (lower-case names), read once per response. */
    RateLimits rateLimits(Map<String, String> headers);

    /** A whole error answer of this protocol. */
    byte[] errorBody(int status, String code, String message, ExhaustionDetail detail);

    /** The explicit error event that ends a stream the upstream broke after the first byte. */
    Buffer streamError(String code, String message);

    /**
     * A client request of this protocol with {@code text} appended as the assistant's turn (a prefill the
     * model continues from).
     */
    void appendAssistant(ObjectNode request, String text);

    /**
     * As {@link #streamError(String, String)}, numbered {@code sequence} on a dialect that numbers its events
     * (Responses {@code sequence_number}); the others ignore it.
     */
    default Buffer streamError(String code, String message, long sequence) {
        return streamError(code, message);
    }

    /** The event number an SSE event's data carries (Responses {@code sequence_number}), -1 when none. */
    default long sequenceOf(String data) {
        return -1;
    }

    /** The error {@code type} this protocol gives a status. */
    String errorType(int status);
}
