package dev.switchboard.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * One finished request, appended to the {@code sb:usage} stream as a single JSON field
 * {@code event}. {@code requestId} is unique; the ledger writes it idempotently.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UsageEvent(
        int v,
        String requestId,
        long timestampMs,
        long apiKeyId,
        long userId,
        long groupId,
        String requestedModel,
        String resolvedVia,
        String provider,
        String upstreamModel,
        long promptTokens,
        long completionTokens,
        BigDecimal costUsd,
        int status,
        int attempts,
        long latencyMs,
        Long ttfbMs) {

    public static final String FIELD = "event";
}
