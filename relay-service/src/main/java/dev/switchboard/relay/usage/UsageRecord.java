package dev.switchboard.relay.usage;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.limits.Reservation;
import dev.switchboard.relay.routing.Candidate;

/**
 * One finished request, as the runtime hands it to {@link UsageRecorder#record}.
 *
 * @param group the effective group from the admission (may be a fallback group); billed and counted under it
 * @param served the candidate that produced the response; null when none did
 * @param ttfbMs time to first byte; null when no byte was received
 * @param reservation what admission set aside for the request, removed by the batch that records it; null when none
 */
public record UsageRecord(String requestId, ApiKeySnapshot key, GroupSnapshot group, String requestedModel,
        String resolvedVia, Candidate served, long promptTokens, long completionTokens, int status, int attempts,
        long latencyMs, Long ttfbMs, Reservation reservation) {

    /** A request that reserved nothing. */
    public UsageRecord(String requestId, ApiKeySnapshot key, GroupSnapshot group, String requestedModel,
            String resolvedVia, Candidate served, long promptTokens, long completionTokens, int status, int attempts,
            long latencyMs, Long ttfbMs) {
        this(requestId, key, group, requestedModel, resolvedVia, served, promptTokens, completionTokens, status, attempts,
                latencyMs, ttfbMs, null);
    }
}
