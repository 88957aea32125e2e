package dev.switchboard.catalog.api;

import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.contracts.catalog.Price;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Response bodies of the management API. No view carries a secret. */
public final class Views {

    private Views() {
    }

    public record TimeoutsView(int connectMs, int firstByteMs, int firstTokenMs, int idleMs) {
    }

    /** @param defaultPrice the price of names it serves that no model lists with a price; null = none */
    public record ProviderView(long id, String name, String protocol, String baseUrl, boolean enabled,
            TimeoutsView timeouts, Map<String, String> headers, List<FailoverRule> failoverRules,
            long keyCount, long modelCount, boolean responsesApi, Price defaultPrice) {
    }

    /** @param dataKeyId the data key that sealed the secret; a non-active id is due for rotation */
    public record KeyView(long id, long providerId, String label, String last4, String dataKeyId,
            Integer rpm, Integer tpm, int weight, boolean enabled) {
    }

    public record ModelView(long id, long providerId, String provider, String name, String upstreamName,
            Integer contextWindow, BigDecimal inputPricePerMTok, BigDecimal outputPricePerMTok,
            boolean enabled, Boolean prefill) {
    }

    public record PoolMemberView(long id, long providerId, String provider, String model, int priority,
            int weight, boolean enabled) {
    }

    public record PoolView(long id, String name, String strategy, boolean enabled, boolean sameCandidateRetry,
            boolean translation,
            List<PoolMemberView> members) {
    }

    /** @param kind pool | model */
    public record ClusterMemberView(String kind, String name) {
    }

    public record ClusterView(long id, String name, boolean enabled, boolean translation,
            List<ClusterMemberView> members) {
    }

    /** @param hits requests the relays routed through this route (Redis counter) */
    public record RouteView(long id, String pattern, String targetKind, String target, int priority,
            boolean enabled, long createdSeq, long hits) {
    }

    /**
     * @param resealed keys re-sealed with the active data key
     * @param unreadable keys sealed with a data key no longer configured (their secret must be set again)
     */
    public record RotationView(String activeDataKeyId, int resealed, int unreadable) {
    }

    public record PublishView(long version, int bytes) {
    }

}
