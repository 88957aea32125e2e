package dev.switchboard.relay.usage;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.CandidatePrice;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsageCostTest {

    private static final Price GPT = new Price(new BigDecimal("2.50"), new BigDecimal("10.00"));

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
        Price cheap = new Price(new BigDecimal("0.15"), new BigDecimal("0.6"));
        // 3 × 0.15 / 1e6 = 0.00000045 exactly; × 1.1 = 0.000000495 → 0.00000050
        assertThat(UsageCost.of(cheap, multiplier("1.1"), 3, 0)).isEqualTo(new BigDecimal("0.00000050"));
        // 1 × 0.15 / 1e6 × 1 = 0.00000015 (exact at scale 8)
        assertThat(UsageCost.of(cheap, multiplier("1"), 1, 0)).isEqualTo(new BigDecimal("0.00000015"));
        // 1 × 0.6 / 1e6 × 0.01 = 0.000000006 → 0.00000001
        assertThat(UsageCost.of(cheap, multiplier("0.01"), 0, 1)).isEqualTo(new BigDecimal("0.00000001"));
    }

    @Test
    void noPriceCostsNothingAndAOneSidedPriceChargesOnlyItsSide() {
        assertThat(UsageCost.of(null, multiplier("2"), 1000, 1000)).isEqualByComparingTo("0");
        assertThat(UsageCost.of(new Price(null, new BigDecimal("4")), multiplier("1"), 1_000_000, 1000))
                .isEqualByComparingTo("0.004");
    }

    @Test
    void theModelsPriceComesFirstThenTheProvidersDefaultThenNone() {
        Price fallback = new Price(new BigDecimal("1"), new BigDecimal("3"));
        ProviderSnapshot withDefault = new ProviderSnapshot(1, "p", ProviderSnapshot.OPENAI, "http://x", true, null, null,
                null, null, null, false, fallback);
        ProviderSnapshot without = new ProviderSnapshot(2, "q", ProviderSnapshot.OPENAI, "http://x", true, null, null,
                null, null, null);
        ModelSnapshot priced = new ModelSnapshot(3, "m", "m", null, new BigDecimal("2.50"), new BigDecimal("10.00"), true);
        ModelSnapshot unpriced = new ModelSnapshot(4, "free", "free", null, null, null, true);

        assertThat(CandidatePrice.of(withDefault, priced)).isEqualTo(new CandidatePrice(Price.of(priced), CandidatePrice.Source.MODEL));
        assertThat(CandidatePrice.of(withDefault, unpriced))
                .isEqualTo(new CandidatePrice(fallback, CandidatePrice.Source.PROVIDER_DEFAULT));
        assertThat(CandidatePrice.of(withDefault, null).source()).isEqualTo(CandidatePrice.Source.PROVIDER_DEFAULT);
        assertThat(CandidatePrice.of(without, unpriced)).isNull();
        assertThat(CandidatePrice.of(without, null)).isNull();
        assertThat(CandidatePrice.exists(withDefault, null)).isTrue();
        assertThat(CandidatePrice.exists(without, priced)).isTrue();
        assertThat(CandidatePrice.exists(without, unpriced)).isFalse();
    }
}
