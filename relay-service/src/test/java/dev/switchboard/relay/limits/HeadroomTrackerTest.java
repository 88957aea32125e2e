package dev.switchboard.relay.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Quota-aware headroom from live upstream headers and catalog rpm/tpm; no Redis involved. */
class HeadroomTrackerTest {

    // 30 s into a minute, so the sliding estimate of the previous minute is easy to reason about
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L - 1_800_000_000_000L % 60_000 + 30_000);
    private final HeadroomTracker tracker = new HeadroomTracker(null, LimitFixtures.Config.defaults(), null, now::get);

    private static ProviderKeySnapshot key(long id, Integer rpm, Integer tpm) {
        return new ProviderKeySnapshot(id, "k" + id, "1:x", "abcd", rpm, tpm, 1, true);
    }

    @Test
    void unknownKeyHasFullHeadroom() {
        assertThat(tracker.headroom(404)).isEqualTo(1.0);
        tracker.onRequest(key(405, null, null));
        assertThat(tracker.headroom(405)).isEqualTo(1.0);
    }

    @Test
    void ordersKeysByRemainingFractionFromOpenAiHeaders() {
        ProviderKeySnapshot low = key(1, null, null);
        ProviderKeySnapshot high = key(2, null, null);
        ProviderKeySnapshot tokenBound = key(3, null, null);
        ProviderKeySnapshot silent = key(4, null, null);
        tracker.observe(low, Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "10",
                "x-ratelimit-reset-requests", "6m0s"));
        tracker.observe(high, Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "80",
                "x-ratelimit-reset-requests", "20s"));
        tracker.observe(tokenBound, Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "99",
                "x-ratelimit-limit-tokens", "10000", "x-ratelimit-remaining-tokens", "3000", "x-ratelimit-reset-tokens", "1m30s"));
        tracker.onRequest(silent);

        assertThat(tracker.headroom(1)).isCloseTo(0.10, within(1e-9));
        assertThat(tracker.headroom(2)).isCloseTo(0.80, within(1e-9));
        assertThat(tracker.headroom(3)).as("the scarcer dimension wins").isCloseTo(0.30, within(1e-9));
        List<Long> order = Stream.of(1L, 2L, 3L, 4L).sorted(Comparator.comparingDouble(id -> -tracker.headroom(id))).toList();
        assertThat(order).containsExactly(4L, 2L, 3L, 1L);
    }

    @Test
    void requestsSentSinceTheReportCountAgainstIt() {
        ProviderKeySnapshot k = key(5, null, null);
        tracker.observe(k, Map.of("x-ratelimit-limit-requests", "10", "x-ratelimit-remaining-requests", "5",
                "x-ratelimit-reset-requests", "30s"));
        tracker.onRequest(k);
        tracker.onRequest(k);
        assertThat(tracker.headroom(5)).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void exhaustedKeyHasNoHeadroomUntilItsResetPasses() {
        ProviderKeySnapshot k = key(6, null, null);
        tracker.observe(k, Map.of("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "2.5s"));
        assertThat(tracker.headroom(6)).isZero();
        now.addAndGet(2_000);
        assertThat(tracker.headroom(6)).isZero();
        now.addAndGet(600);
        assertThat(tracker.headroom(6)).isEqualTo(1.0);
    }

    @Test
    void exhaustedWithoutResetTimeCountsAsExhaustedForTheDefault() {
        ProviderKeySnapshot k = key(7, null, null);
        tracker.observe(k, Map.of("x-ratelimit-remaining-tokens", "0"));
        assertThat(tracker.headroom(7)).isZero();
        now.addAndGet(60_001);
        assertThat(tracker.headroom(7)).isEqualTo(1.0);
    }

    @Test
    void readsAnthropicHeadersWithRfc3339Reset() {
        ProviderKeySnapshot k = key(8, null, null);
        String reset = Instant.ofEpochMilli(now.get() + 40_000).toString();
        tracker.observe(k, Map.of("anthropic-ratelimit-requests-limit", "50", "anthropic-ratelimit-requests-remaining", "40",
                "anthropic-ratelimit-requests-reset", reset, "anthropic-ratelimit-tokens-limit", "40000",
                "anthropic-ratelimit-tokens-remaining", "10000", "anthropic-ratelimit-tokens-reset", reset));
        assertThat(tracker.headroom(8)).isCloseTo(0.25, within(1e-9));
        now.addAndGet(40_001);
        assertThat(tracker.headroom(8)).isEqualTo(1.0);
    }

    @Test
    void fallsBackToCatalogRpmAndTpmAgainstLiveUsage() {
        ProviderKeySnapshot k = key(9, 10, 1000);
        for (int i = 0; i < 4; i++) {
            tracker.onRequest(k);
        }
        assertThat(tracker.headroom(9)).isCloseTo(0.6, within(1e-9));
        tracker.onTokens(k, 700);
        assertThat(tracker.headroom(9)).as("tokens are scarcer now").isCloseTo(0.3, within(1e-9));
        // next minute, 30 s in: half of the previous minute still counts
        now.addAndGet(60_000);
        assertThat(tracker.headroom(9)).isCloseTo(1.0 - 350.0 / 1000, within(1e-9));
        now.addAndGet(60_000);
        assertThat(tracker.headroom(9)).isEqualTo(1.0);
    }

    @Test
    void headersOverrideCatalogForTheirDimension() {
        ProviderKeySnapshot k = key(10, 10, null);
        for (int i = 0; i < 9; i++) {
            tracker.onRequest(k);
        }
        assertThat(tracker.headroom(10)).isCloseTo(0.1, within(1e-9));
        tracker.observe(k, Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "900",
                "x-ratelimit-reset-requests", "10s"));
        assertThat(tracker.headroom(10)).isCloseTo(0.9, within(1e-9));
    }

    @Test
    void parsesResetFormats() {
        long t = 1_000_000;
        assertThat(HeadroomTracker.parseReset("1s", t)).isEqualTo(t + 1_000);
        assertThat(HeadroomTracker.parseReset("6m0s", t)).isEqualTo(t + 360_000);
        assertThat(HeadroomTracker.parseReset("1h2m3.5s", t)).isEqualTo(t + 3_723_500);
        assertThat(HeadroomTracker.parseReset("20ms", t)).isEqualTo(t + 20);
        assertThat(HeadroomTracker.parseReset("12", t)).isEqualTo(t + 12_000);
        assertThat(HeadroomTracker.parseReset("2026-11-21T22:00:00Z", t)).isEqualTo(Instant.parse("2026-11-21T22:00:00Z").toEpochMilli());
        assertThat(HeadroomTracker.parseReset("soon", t)).isNull();
        assertThat(HeadroomTracker.parseReset("5s later", t)).isNull();
    }

    @Test
    void malformedHeadersAreIgnored() {
        ProviderKeySnapshot k = key(11, null, null);
        tracker.observe(k, Map.of("x-ratelimit-remaining-requests", "lots", "x-ratelimit-limit-requests", "many"));
        assertThat(tracker.headroom(11)).isEqualTo(1.0);
    }
}
