package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An operator rule that overrides the default failover table for one provider.
 *
 * @param status upstream status to match; null = any
 * @param bodyContains substring of the error body to match (case-insensitive); null = any
 * @param action retry (try the next candidate) | stop (relay the error to the client)
 * @param scope none | key | key_model | provider_model | provider
 * @param cooldownSeconds null = the default duration for the scope
 * @param reason reason code reported in attempts, metrics and cooldowns
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverRule(
        Integer status,
        String bodyContains,
        String action,
        String scope,
        Long cooldownSeconds,
        String reason) {
}
