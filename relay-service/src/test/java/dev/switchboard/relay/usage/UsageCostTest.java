package dev.switchboard.relay.usage;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsageCostTest {

    private static final ModelSnapshot GPT = new ModelSnapshot(1, "gpt-4o", "gpt-4o", 128_000, new BigDecimal("2.50"),
            new BigDecimal("10.00"), true);

    private static GroupSnapshot multiplier(String m) {
        return group(1, "g", new BigDecimal(m), null, null, null);
    }

    @Test
    void multipliesTokensByPricesPerMillion() {
        // 1 200 × 2.50 / 1e6 + 350 × 10 / 1e6 = 0.003 + 0.0035
        assertThat(UsageCost.of(GPT, multiplier("1"), 1_200, 350)).isEqualByComparingTo("0.0065").hasScaleOf(8);
    }

    @Test
    void appliesTheGroupRateMultiplier() {
        assertThat(UsageCost.of(GPT, multiplier("1.5"), 1_200, 350)).isEqualByComparingTo("0.00975");
        assertThat(UsageCost.of(GPT, multiplier("0.2"), 1_000_000, 1_000_000)).isEqualByComparingTo("2.5");
    }

    @Test
    void roundsHalfUpAtEightDecimals() {
        ModelSnapshot cheap = new ModelSnapshot(2, "mini", "mini", null, new BigDecimal("0.15"), new BigDecimal("0.6"), true);
        // 3 × 0.15 / 1e6 = 0.00000045 exactly; × 1.1 = 0.000000495 → 0.00000050
        assertThat(UsageCost.of(cheap, multiplier("1.1"), 3, 0)).isEqualTo(new BigDecimal("0.00000050"));
        // 1 × 0.15 / 1e6 × 1 = 0.00000015 (exact at scale 8)
        assertThat(UsageCost.of(cheap, multiplier("1"), 1, 0)).isEqualTo(new BigDecimal("0.00000015"));
        // 1 × 0.6 / 1e6 × 0.01 = 0.000000006 → 0.00000001
        assertThat(UsageCost.of(cheap, multiplier("0.01"), 0, 1)).isEqualTo(new BigDecimal("0.00000001"));
    }

    @Test
    void unknownModelOrPriceCostsNothing() {
        assertThat(UsageCost.of(null, multiplier("2"), 1000, 1000)).isEqualByComparingTo("0");
        ModelSnapshot unpriced = new ModelSnapshot(3, "free", "free", null, null, null, true);
        assertThat(UsageCost.of(unpriced, multiplier("2"), 1000, 1000)).isEqualByComparingTo("0");
    }
}
