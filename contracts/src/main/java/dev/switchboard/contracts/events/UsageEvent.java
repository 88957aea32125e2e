package dev.switchboard.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * One finished request, appended to the {@code sb:usage} stream as a single JSON field
 * {@code event}.
 *
 * @param requestId the client's {@code x-request-id} (or the relay's when it sent none): correlation
 *        only, any number of events may share it
 * @param usageId the relay-drawn unique id ({@link dev.switchboard.contracts.UsageIds}) the ledger writes
 *        idempotently by and the unsettled spend is keyed by; null only from a relay older than this field
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
        Long ttfbMs,
        String usageId) {

    public static final String FIELD = "event";
}
