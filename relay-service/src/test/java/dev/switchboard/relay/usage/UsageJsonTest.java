package dev.switchboard.relay.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.events.UsageEvent;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written usage JSON is byte for byte what Jackson writes for the contract record, and reads back equal. */
class UsageJsonTest {

    private final ObjectMapper jackson = new ObjectMapper().findAndRegisterModules();

    private static UsageEvent event(String text, BigDecimal cost, Long ttfb) {
        return new UsageEvent(1, "req-" + text, 1_763_700_000_123L, 42, Long.MAX_VALUE, -7, text, text == null ? null : "pool:" + text,
                text, text, 1_200, 0, cost, 503, 4, 0, ttfb, text == null ? null : "u-" + text);
    }

    @Test
    void sameTextAsJacksonForOddValues() throws Exception {
        List<String> texts = new java.util.ArrayList<>(List.of("gpt-4o", "", "quote\" back\\slash / slash", "tab\t nl\n cr\r bs\b ff\f",
                "ctl \u0000 \u0001 \u001f \u007f", "unicode é ü 中文 \uD83D\uDE00 \u2028 \u2029", "</script>"));
        texts.add(null);
        List<BigDecimal> costs = java.util.Arrays.asList(UsageCost.of(null, null, 0, 0), new BigDecimal("0.00975000"),
                new BigDecimal("123456789.12345678"), new BigDecimal("1E-9"), BigDecimal.ZERO, null);
        for (String text : texts) {
            for (BigDecimal cost : costs) {
                for (Long ttfb : java.util.Arrays.asList(null, 0L, 120L)) {
                    UsageEvent e = event(text, cost, ttfb);
                    String mine = UsageJson.write(e);
                    assertThat(mine).isEqualTo(jackson.writeValueAsString(e));
                    assertThat(jackson.readValue(mine, UsageEvent.class)).isEqualTo(e);
                }
            }
        }
    }
}
