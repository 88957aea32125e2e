package dev.switchboard.contracts.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group embedded in a key snapshot.
 *
 * @param platform openai | anthropic | any
 * @param status active | disabled
 * @param rateMultiplier cost multiplier, &gt; 0
 * @param allowedModels model patterns the group may use; empty = every model
 * @param modelRouting pattern → ordered targets. A target is a cluster, pool or model name (one
 *        namespace in the catalog) or {@code provider:<provider name>} for "the requested model on
 *        that provider". Iteration order is the operator's order; precedence between matching
 *        patterns follows the PatternTable rules.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GroupSnapshot(
        long id,
        String name,
        String platform,
        String status,
        String subscriptionType,
        BigDecimal rateMultiplier,
        BigDecimal dailyLimitUsd,
        BigDecimal weeklyLimitUsd,
        BigDecimal monthlyLimitUsd,
        List<String> allowedModels,
        Long fallbackGroupId,
        Map<String, List<String>> modelRouting,
        boolean modelRoutingEnabled,
        long version) {

    public static final String PROVIDER_TARGET_PREFIX = "provider:";

    public GroupSnapshot {
        allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
        modelRouting = modelRouting == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modelRouting));
    }
}
