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
 * @param contextWindow tokens the model accepts (prompt + completion); null = unknown. A request refused as
 *        too long is retried only on a candidate whose window is known and larger
 * @param prefill whether the model accepts a request whose last message is an assistant turn to continue
 *        (used to continue a broken stream on it); null = the protocol's default, see {@link #acceptsPrefill}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSnapshot(
        long id,
        String name,
        String upstreamName,
        Integer contextWindow,
        BigDecimal inputPricePerMTok,
        BigDecimal outputPricePerMTok,
        boolean enabled,
        Boolean prefill) {

    /** A model without a prefill setting (the protocol's default applies). */
    public ModelSnapshot(long id, String name, String upstreamName, Integer contextWindow,
            BigDecimal inputPricePerMTok, BigDecimal outputPricePerMTok, boolean enabled) {
        this(id, name, upstreamName, contextWindow, inputPricePerMTok, outputPricePerMTok, enabled, null);
    }

    /**
     * The model's {@code prefill} setting, else the default of its provider's protocol: on for
     * {@code anthropic} (Messages continues a trailing assistant turn), off otherwise.
     */
    public boolean acceptsPrefill(String providerProtocol) {
        return prefill != null ? prefill : defaultPrefill(providerProtocol);
    }

    /** On for the Anthropic protocol, off for every other. */
    public static boolean defaultPrefill(String providerProtocol) {
        return ProviderSnapshot.ANTHROPIC.equalsIgnoreCase(providerProtocol);
    }
}
