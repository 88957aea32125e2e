package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One translated stream's fixed facts.
 *
 * @param clientModel the model name the client asked for (put in every chunk / {@code message_start})
 * @param includeUsage OpenAI client: it asked {@code stream_options.include_usage:true}, so it gets the usage-only
 *     chunk ({@code choices: []}) before {@code [DONE]}; ignored for Anthropic clients (usage is always in
 *     {@code message_delta})
 * @param responseId the id the client sees ({@code chatcmpl-…} for OpenAI clients, {@code msg_…} for Anthropic)
 * @param created OpenAI chunks' {@code created}, a Responses client's {@code created_at} (epoch seconds)
 * @param echo Responses client: the request settings every {@code response} object repeats
 *     ({@link Translator#responsesEcho}); null for the other wires
 */
public record StreamSettings(String clientModel, boolean includeUsage, String responseId, long created, JsonNode echo) {

    public StreamSettings {
        if (clientModel == null || responseId == null) {
            throw new IllegalArgumentException("clientModel and responseId are required");
        }
    }

    /** A chat or messages client's settings (nothing to echo). */
    public StreamSettings(String clientModel, boolean includeUsage, String responseId, long created) {
        this(clientModel, includeUsage, responseId, created, null);
    }
}
