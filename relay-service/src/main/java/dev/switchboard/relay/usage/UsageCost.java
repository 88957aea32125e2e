package dev.switchboard.relay.usage;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.Price;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Cost of a request in USD: tokens × the serving candidate's prices per million (the model's, else its provider's
 * default price: {@link dev.switchboard.relay.routing.CandidatePrice}) × the group's rate multiplier.
 */
public final class UsageCost {

    /** Scale of every cost in USD. */
    public static final int SCALE = 8;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private UsageCost() {
    }

    /**
     * {@code (prompt × input price + completion × output price) / 1e6 × multiplier}, scale 8, HALF_UP.
     * No price counts as zero (only an unmetered tenant is served unpriced); a null multiplier as 1.
     */
    public static BigDecimal of(Price price, GroupSnapshot group, long promptTokens, long completionTokens) {
        BigDecimal in = price == null ? BigDecimal.ZERO : price.inputPricePerMTok();
        BigDecimal out = price == null ? BigDecimal.ZERO : price.outputPricePerMTok();
        BigDecimal multiplier = group == null || group.rateMultiplier() == null ? BigDecimal.ONE : group.rateMultiplier();
        BigDecimal raw = in.multiply(BigDecimal.valueOf(Math.max(0, promptTokens)))
                .add(out.multiply(BigDecimal.valueOf(Math.max(0, completionTokens))))
                .multiply(multiplier);
        return raw.divide(MILLION, SCALE, RoundingMode.HALF_UP);
    }
}
