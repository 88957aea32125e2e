package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.translate.RequestSettings;
import dev.switchboard.relay.translate.StreamSettings;
import dev.switchboard.relay.translate.StreamTranslator;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.translate.Translator;
import dev.switchboard.relay.translate.Usage;
import dev.switchboard.relay.upstream.RequestBody;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * One attempt whose candidate speaks the other protocol: the request, the whole answer, an error answer and
 * the stream are put through {@link Translator} so the client only ever sees its own dialect. Costing uses
 * the translated usage, the numbers the client is shown.
 */
final class Translation {

    private final Dialect client;
    private final Dialect upstream;
    private final String clientModel;
    private final String responseId;
    private final boolean includeUsage;
    private final long created = System.currentTimeMillis() / 1000;
    /** A Responses client: the settings its response objects echo, read with the request; else null. */
    private ObjectNode echo;

    Translation(Dialect client, Dialect upstream, RequestBody body, String requestId) {
        this.client = client;
        this.upstream = upstream;
        this.clientModel = body.model();
        this.includeUsage = body.clientAskedUsage();
        this.responseId = switch (client) {
            case dev.switchboard.relay.dialect.AnthropicMessages a -> "msg_";
            case dev.switchboard.relay.dialect.OpenAiResponses r -> "resp_";
            case dev.switchboard.relay.dialect.OpenAiChat c -> "chatcmpl-";
        } + requestId;
    }

    /** The value of {@code x-switchboard-translated}: the client's protocol, then the upstream's. */
    String direction() {
        return client.label() + "->" + upstream.label();
    }

    Dialect upstream() {
        return upstream;
    }

    /**
     * The upstream's body for the client's.
     *
     * @throws TranslationException a field the upstream cannot honour, or an invalid one: a 400 naming it
     */
    Buffer request(RequestBody body, String upstreamModel, int defaultMaxTokens, boolean streamUsage) {
        ObjectNode tree;
        try {
            JsonNode node = Dialect.JSON.readTree(body.bytes());
            tree = (ObjectNode) node; // RequestBody.parse accepted one JSON object
        } catch (IOException e) {
            throw new TranslationException(400, null, TranslationException.INVALID, "Request body is not valid JSON");
        }
        if (client == Dialect.RESPONSES) {
            echo = Translator.responsesEcho(tree);
        }
        RequestSettings settings = RequestSettings.of(upstreamModel).withDefaultMaxTokens(defaultMaxTokens)
                .withStreamUsage(streamUsage);
        try {
            return Buffer.buffer(Dialect.JSON.writeValueAsBytes(
                    Translator.request(client.translationWire(), upstream.translationWire(), tree, settings)));
        } catch (IOException e) {
            throw new IllegalStateException("translated request not serialisable", e);
        }
    }

    /**
     * A whole 2xx answer in the client's dialect; its usage goes into {@code into}.
     *
     * @throws TranslationException the answer cannot be expressed in the client's dialect (a 502)
     */
    Buffer answer(Buffer upstreamJson, TokenCount into) {
        JsonNode doc;
        try {
            doc = Dialect.JSON.readTree(upstreamJson.getBytes());
        } catch (IOException e) {
            throw new TranslationException(502, null, TranslationException.UPSTREAM_INVALID, "The upstream answer is not valid JSON");
        }
        Usage usage = Translator.usage(upstream.translationWire(), doc);
        into.set(usage.promptTokensOpenAi(), usage.outputTokens());
        try {
            return Buffer.buffer(Dialect.JSON.writeValueAsBytes(client == Dialect.RESPONSES
                    ? Translator.responsesAnswer(upstream.translationWire(), doc, settings())
                    : Translator.response(upstream.translationWire(), client.translationWire(), doc, clientModel)));
        } catch (IOException e) {
            throw new IllegalStateException("translated answer not serialisable", e);
        }
    }

    /** An upstream error answer in the client's dialect (the status changes only for overloaded: 529 ↔ 503). */
    Translator.TranslatedError error(int status, String body) {
        return Translator.upstreamError(upstream.translationWire(), client.translationWire(), status, body);
    }

    StreamTranslator stream() {
        return Translator.stream(upstream.translationWire(), client.translationWire(), settings());
    }

    /** What the client's stream is written with. */
    StreamSettings settings() {
        return new StreamSettings(clientModel, includeUsage, responseId, created, echo);
    }

    /**
     * {@code /v1/messages/count_tokens} for a candidate that speaks OpenAI, which has no such call: an estimate
     * from the request's text ({@link Translator#countTokensEstimate}), never a count.
     */
    static Buffer countTokensEstimate(RequestBody body) {
        try {
            JsonNode node = Dialect.JSON.readTree(body.bytes());
            return Buffer.buffer(Dialect.JSON.writeValueAsBytes(Translator.countTokensEstimate((ObjectNode) node)));
        } catch (IOException e) {
            throw new TranslationException(400, null, TranslationException.INVALID, "Request body is not valid JSON");
        }
    }
}
