package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token usage in neutral form, Anthropic's split: {@code inputTokens} excludes the cached prompt, which is counted in
 * {@code cacheReadTokens} (read from the cache) and {@code cacheWriteTokens} (written to it). OpenAI's
 * {@code prompt_tokens} is the sum of all three; its {@code prompt_tokens_details.cached_tokens} is the cache read.
 * Output tokens include reasoning / thinking tokens on both wires.
 *
 * <p>Costing must use these numbers, the same ones the client is shown: prompt = {@link #promptTokensOpenAi()},
 * completion = {@link #outputTokens()}.
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0);

    /** Every prompt token, cached or not: OpenAI's {@code prompt_tokens}. */
    public long promptTokensOpenAi() {
        return inputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public long totalTokens() {
        return promptTokensOpenAi() + outputTokens;
    }

    /**
     * From an OpenAI {@code usage} object. {@code prompt_tokens_details.cached_tokens} is the cache read; a cache
     * write is not part of OpenAI's schema, but the non-standard {@code prompt_tokens_details.cache_write_tokens} some
     * compatible providers send is honoured. Missing fields count 0; a missing or null node is {@link #NONE}.
     */
    public static Usage fromOpenAi(JsonNode u) {
        if (u == null || !u.isObject()) {
            return NONE;
        }
        long prompt = u.path("prompt_tokens").asLong(0);
        JsonNode details = u.path("prompt_tokens_details");
        long read = details.path("cached_tokens").asLong(0);
        long write = details.path("cache_write_tokens").asLong(0);
        return new Usage(Math.max(0, prompt - read - write), u.path("completion_tokens").asLong(0), read, write);
    }

    /**
     * From an OpenAI Responses {@code usage} object: {@code input_tokens} includes the cache read
     * ({@code input_tokens_details.cached_tokens}), as chat's {@code prompt_tokens} does.
     */
    public static Usage fromResponses(JsonNode u) {
        if (u == null || !u.isObject()) {
            return NONE;
        }
        long input = u.path("input_tokens").asLong(0);
        long read = u.path("input_tokens_details").path("cached_tokens").asLong(0);
        return new Usage(Math.max(0, input - read), u.path("output_tokens").asLong(0), read, 0);
    }

    /** From an Anthropic {@code usage} object (a message, {@code message_start.message} or {@code message_delta}). */
    public static Usage fromAnthropic(JsonNode u) {
        if (u == null || !u.isObject()) {
            return NONE;
        }
        return new Usage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0),
                u.path("cache_read_input_tokens").asLong(0), u.path("cache_creation_input_tokens").asLong(0));
    }

    /**
     * This usage updated by a later Anthropic stream usage object: the counts are cumulative, so each field present
     * replaces the earlier value (never added); absent fields keep theirs ({@code message_delta} often has only
     * {@code output_tokens}).
     */
    public Usage updatedByAnthropic(JsonNode u) {
        if (u == null || !u.isObject()) {
            return this;
        }
        return new Usage(u.path("input_tokens").asLong(inputTokens), u.path("output_tokens").asLong(outputTokens),
                u.path("cache_read_input_tokens").asLong(cacheReadTokens),
                u.path("cache_creation_input_tokens").asLong(cacheWriteTokens));
    }

    /** The OpenAI {@code usage} object a client is shown. */
    public ObjectNode toOpenAi() {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("prompt_tokens", promptTokensOpenAi());
        u.put("completion_tokens", outputTokens);
        u.put("total_tokens", totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", cacheReadTokens);
        return u;
    }

    /** The Anthropic {@code usage} object a client is shown. */
    public ObjectNode toAnthropic() {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("input_tokens", inputTokens);
        u.put("cache_creation_input_tokens", cacheWriteTokens);
        u.put("cache_read_input_tokens", cacheReadTokens);
        u.put("output_tokens", outputTokens);
        return u;
    }
}
