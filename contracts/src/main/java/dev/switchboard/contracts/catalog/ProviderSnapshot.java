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
        List<FailoverRule> failoverRules) {

    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";

    public ProviderSnapshot {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        keys = keys == null ? List.of() : List.copyOf(keys);
        models = models == null ? List.of() : List.copyOf(models);
        failoverRules = failoverRules == null ? List.of() : List.copyOf(failoverRules);
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
    }

    /**
     * Per-attempt timeouts in milliseconds.
     *
     * @param connectMs TCP/TLS connect
     * @param firstByteMs from request sent to the first response byte (first SSE event for streams)
     * @param idleMs longest gap between two stream events
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Timeouts(int connectMs, int firstByteMs, int idleMs) {
        public static final Timeouts DEFAULT = new Timeouts(5_000, 60_000, 60_000);
    }
}
