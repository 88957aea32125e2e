package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExhaustionTest {

    private static final long NOW = 5_000_000L;

    private static Attempt attempt(int status, String reason) {
        return new Attempt("p", "m", "k", status, reason, 12);
    }

    private static Skip skip(String reason) {
        return new Skip("p", "m", "k", reason, "");
    }

    private static CooldownState state(long untilOffsetMs, boolean rateLimited) {
        return new CooldownState("key_model:1:m", NOW + untilOffsetMs, rateLimited ? "rate_limited" : "overloaded", 1, "r",
                rateLimited);
    }

    @Test
    void allRateLimitedAnswers429WithTheEarliestExpiry() {
        Exhaustion e = Exhaustion.of(List.of(attempt(429, "rate_limited")), List.of(skip("cooling_down"), skip("disabled")),
                List.of(state(30_000, true), state(4_200, true)), NOW);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(5L);
    }

    @Test
    void everyCandidateCoolingForRateLimitsAnswers429WithoutAnyAttempt() {
        Exhaustion e = Exhaustion.of(List.of(), List.of(skip("cooling_down"), skip("no_headroom")),
                List.of(state(12_000, true)), NOW);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(12L);
    }

    @Test
    void aCoolingSkipForAnotherReasonTurns429Into503() {
        Exhaustion e = Exhaustion.of(List.of(), List.of(skip("cooling_down"), skip("cooling_down")),
                List.of(state(12_000, true), state(3_000, false)), NOW);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isEqualTo(3L);
    }

    @Test
    void aProbeInFlightElsewhereDoesNotSpoilAnAllRateLimitedAnswer() {
        Exhaustion e = Exhaustion.of(List.of(attempt(429, "rate_limited")), List.of(skip("probe_in_flight")),
                List.of(state(8_000, true)), NOW);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(8L);
    }

    @Test
    void coolingSkipsWithoutKnownStatesAreNotPromisedAsRateLimits() {
        assertThat(Exhaustion.of(List.of(), List.of(skip("cooling_down")), List.of(), NOW).status()).isEqualTo(503);
    }

    @Test
    void anUpstreamFailureAnswers502() {
        Exhaustion e = Exhaustion.of(List.of(attempt(429, "rate_limited"), attempt(503, "upstream_error")), List.of(),
                List.of(), NOW);

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.retryAfterSeconds()).isNull();
    }

    @Test
    void quotaExhaustionIsNotARateLimit() {
        assertThat(Exhaustion.of(List.of(attempt(429, "quota_exhausted")), List.of(), List.of(), NOW).status()).isEqualTo(502);
    }

    @Test
    void nothingAvailableAnswers503() {
        Exhaustion e = Exhaustion.of(List.of(), List.of(skip("disabled"), skip("not_allowed")), List.of(), NOW);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isNull();
    }

    @Test
    void expiredStatesDoNotSetRetryAfter() {
        Exhaustion e = Exhaustion.of(List.of(attempt(429, "rate_limited")), List.of(), List.of(state(-1, true)), NOW);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(1L);
    }

    @Test
    void statesForFindsTheCooldownsBehindSkipsAndAttempts() {
        var p = Fixtures.provider(1, "p", List.of(Fixtures.key(11, "k1", 1), Fixtures.key(12, "k2", 1)),
                Fixtures.model(101, "m", "m-up"));
        CatalogIndex idx = Fixtures.catalog().providers(p).index();
        CooldownState k1 = new CooldownState("key_model:11:m-up", NOW + 9_000, "rate_limited", 1, "r", true);
        CooldownState k2 = new CooldownState("key:12", NOW + 4_000, "auth_failed", 1, "r", false);
        CooldownView view = scope -> switch (scope) {
            case "key_model:11:m-up" -> k1;
            case "key:12" -> k2;
            default -> null;
        };
        Resolution r = new Resolver(idx).resolve(new ResolveRequest("m", null, "openai", view, null, NOW));

        List<CooldownState> states = Exhaustion.statesFor(idx, List.of(), r.skipped(), view, NOW);

        assertThat(r.candidates()).isEmpty();
        assertThat(states).containsExactlyInAnyOrder(k1, k2);
        assertThat(Exhaustion.of(List.of(), r.skipped(), states, NOW).status()).isEqualTo(503);
    }

    @Test
    void coolingSkipsWhoseCooldownsExpiredSinceResolutionAreNotAFalse429() {
        Exhaustion e = Exhaustion.of(List.of(), List.of(skip("cooling_down")), List.of(state(-1, true)), NOW);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isEqualTo(1L);
    }

    @Test
    void decideTakesTheEarliestCandidateNotTheEarliestScope() {
        // one candidate waits for two scopes (usable at +9 s), another for one (usable at +4 s)
        Exhaustion e = Exhaustion.decide(List.of(attempt(429, "rate_limited")),
                List.of(new Exhaustion.Wait("cooling_down", NOW + 9_000, true),
                        new Exhaustion.Wait("cooling_down", NOW + 4_000, true)), NOW);

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(4L);
    }
}
