package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * A model offered by a provider.
 *
 * @param name the name tenants use
 * @param upstreamName what the provider calls it (sent upstream in place of {@code model})
 * @param inputPricePerMTok USD per million prompt tokens
 * @param outputPricePerMTok USD per million completion tokens
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSnapshot(
        long id,
        String name,
        String upstreamName,
        Integer contextWindow,
        BigDecimal inputPricePerMTok,
        BigDecimal outputPricePerMTok,
        boolean enabled) {
}
