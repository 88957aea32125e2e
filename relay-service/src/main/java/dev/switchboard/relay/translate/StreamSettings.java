package dev.switchboard.relay.translate;

/**
 * One translated stream's fixed facts.
 *
 * @param clientModel the model name the client asked for (put in every chunk / {@code message_start})
 * @param includeUsage OpenAI client: it asked {@code stream_options.include_usage:true}, so it gets the usage-only
 *     chunk ({@code choices: []}) before {@code [DONE]}; ignored for Anthropic clients (usage is always in
 *     {@code message_delta})
 * @param responseId the id the client sees ({@code chatcmpl-…} for OpenAI clients, {@code msg_…} for Anthropic)
 * @param created OpenAI chunks' {@code created} (epoch seconds)
 */
public record StreamSettings(String clientModel, boolean includeUsage, String responseId, long created) {

    public StreamSettings {
        if (clientModel == null || responseId == null) {
            throw new IllegalArgumentException("clientModel and responseId are required");
        }
    }
}
