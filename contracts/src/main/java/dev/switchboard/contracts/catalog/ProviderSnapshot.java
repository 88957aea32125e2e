package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An upstream provider.
 *
 * @param protocol openai | anthropic
 * @param baseUrl e.g. {@code https://api.openai.com} (the relay appends {@code /v1/...})
 * @param headers extra headers sent with every upstream request
 * @param failoverRules operator rules checked before the default failover table
 * @param responsesApi an {@code openai} provider that also serves the Responses API ({@code POST /v1/responses}):
 *        the relay passes {@code /v1/responses} requests through to it instead of translating them to chat
 *        completions; false (the default, and what a snapshot written before the flag reads as) otherwise
 * @param defaultPrice the price of the names it serves that {@code models} does not list, or lists without a
 *        price (a model route passing names through); null = none, and what a snapshot written before the field
 *        reads as. The relay refuses such a name to a metered tenant rather than serve it for nothing
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProviderSnapshot(
        long id,
        String name,
        String protocol,
        String baseUrl,
        boolean enabled,
        Timeouts timeouts,
        Map<String, String> headers,
        List<ProviderKeySnapshot> keys,
        List<ModelSnapshot> models,
        List<FailoverRule> failoverRules,
        boolean responsesApi,
        Price defaultPrice) {

    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";

    public ProviderSnapshot {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        keys = keys == null ? List.of() : List.copyOf(keys);
        models = models == null ? List.of() : List.copyOf(models);
        failoverRules = failoverRules == null ? List.of() : List.copyOf(failoverRules);
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
    }

    /** A provider without a default price (the schema before it). */
    public ProviderSnapshot(long id, String name, String protocol, String baseUrl, boolean enabled, Timeouts timeouts,
            Map<String, String> headers, List<ProviderKeySnapshot> keys, List<ModelSnapshot> models,
            List<FailoverRule> failoverRules, boolean responsesApi) {
        this(id, name, protocol, baseUrl, enabled, timeouts, headers, keys, models, failoverRules, responsesApi, null);
    }

    /** A provider without the Responses API flag (the schema before it). */
    public ProviderSnapshot(long id, String name, String protocol, String baseUrl, boolean enabled, Timeouts timeouts,
            Map<String, String> headers, List<ProviderKeySnapshot> keys, List<ModelSnapshot> models,
            List<FailoverRule> failoverRules) {
        this(id, name, protocol, baseUrl, enabled, timeouts, headers, keys, models, failoverRules, false, null);
    }

    /** Whether {@code /v1/responses} is passed through to it: an OpenAI provider with the Responses API flag. */
    public boolean servesResponses() {
        return responsesApi && OPENAI.equals(protocol);
    }

    /**
     * Per-attempt timeouts in milliseconds; a value that is missing (older writer) or not positive reads as
     * its default, so every field of a snapshot is usable as it is.
     *
     * @param connectMs TCP/TLS connect (default 5 000)
     * @param firstByteMs from request sent to the response headers (default 60 000; for a JSON answer this
     *        is the whole generation, so keep it long)
     * @param idleMs longest gap between two stream events (default 60 000)
     * @param firstTokenMs from the response headers of a stream to its first content-bearing event (a text,
     *        tool-call or thinking delta, not a ping or role-only chunk); a stream that does not reach one in
     *        time is failed over before anything reaches the client (default 30 000)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Timeouts(int connectMs, int firstByteMs, int idleMs, int firstTokenMs) {
        public static final int DEFAULT_CONNECT_MS = 5_000;
        public static final int DEFAULT_FIRST_BYTE_MS = 60_000;
        public static final int DEFAULT_IDLE_MS = 60_000;
        public static final int DEFAULT_FIRST_TOKEN_MS = 30_000;
        public static final Timeouts DEFAULT = new Timeouts(DEFAULT_CONNECT_MS, DEFAULT_FIRST_BYTE_MS,
                DEFAULT_IDLE_MS, DEFAULT_FIRST_TOKEN_MS);

        public Timeouts {
            connectMs = connectMs > 0 ? connectMs : DEFAULT_CONNECT_MS;
            firstByteMs = firstByteMs > 0 ? firstByteMs : DEFAULT_FIRST_BYTE_MS;
            idleMs = idleMs > 0 ? idleMs : DEFAULT_IDLE_MS;
            firstTokenMs = firstTokenMs > 0 ? firstTokenMs : DEFAULT_FIRST_TOKEN_MS;
        }

        /** The three timeouts of schema 1, first token at its default. */
        public Timeouts(int connectMs, int firstByteMs, int idleMs) {
            this(connectMs, firstByteMs, idleMs, DEFAULT_FIRST_TOKEN_MS);
        }
    }
}
