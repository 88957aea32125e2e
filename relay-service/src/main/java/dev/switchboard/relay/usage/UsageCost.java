package dev.switchboard.relay.usage;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Cost of a request in USD: tokens × the model's prices per million × the group's rate multiplier. */
public final class UsageCost {

    /** Scale of every cost in USD. */
    public static final int SCALE = 8;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private UsageCost() {
    }

    /**
     * {@code (prompt × input price + completion × output price) / 1e6 × multiplier}, scale 8, HALF_UP.
     * Unknown model or price counts as zero; a null multiplier as 1.
     */
    public static BigDecimal of(ModelSnapshot model, GroupSnapshot group, long promptTokens, long completionTokens) {
        BigDecimal in = model == null || model.inputPricePerMTok() == null ? BigDecimal.ZERO : model.inputPricePerMTok();
        BigDecimal out = model == null || model.outputPricePerMTok() == null ? BigDecimal.ZERO : model.outputPricePerMTok();
        BigDecimal multiplier = group == null || group.rateMultiplier() == null ? BigDecimal.ONE : group.rateMultiplier();
        BigDecimal raw = in.multiply(BigDecimal.valueOf(Math.max(0, promptTokens)))
                .add(out.multiply(BigDecimal.valueOf(Math.max(0, completionTokens))))
                .multiply(multiplier);
        return raw.divide(MILLION, SCALE, RoundingMode.HALF_UP);
    }
}
