package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * USD per million tokens. A missing side reads as zero, so a price is always usable as it is.
 *
 * @param inputPricePerMTok prompt tokens
 * @param outputPricePerMTok completion tokens
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Price(BigDecimal inputPricePerMTok, BigDecimal outputPricePerMTok) {

    public Price {
        inputPricePerMTok = inputPricePerMTok == null ? BigDecimal.ZERO : inputPricePerMTok;
        outputPricePerMTok = outputPricePerMTok == null ? BigDecimal.ZERO : outputPricePerMTok;
    }

    /** The model's own price: null when it has neither an input nor an output price. */
    public static Price of(ModelSnapshot model) {
        if (model == null || model.inputPricePerMTok() == null && model.outputPricePerMTok() == null) {
            return null;
        }
        return new Price(model.inputPricePerMTok(), model.outputPricePerMTok());
    }
}
