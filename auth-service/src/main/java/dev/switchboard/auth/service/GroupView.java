package dev.switchboard.auth.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A group as the management API shows it. */
public record GroupView(long id, String name, String platform, String status, String subscriptionType,
        BigDecimal rateMultiplier, BigDecimal dailyLimitUsd, BigDecimal weeklyLimitUsd, BigDecimal monthlyLimitUsd,
        List<String> allowedModels, Long fallbackGroupId, Map<String, List<String>> modelRouting,
        boolean modelRoutingEnabled, long version, Instant createdAt) {
}
