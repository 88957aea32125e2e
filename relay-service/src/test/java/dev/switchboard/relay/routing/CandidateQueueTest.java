package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.AttemptOutcome.Kind;
import dev.switchboard.relay.routing.CandidateQueue.Step;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CandidateQueueTest {

    private static final long NOW = 50_000_000L;

    private final MemoryCooldowns cooldowns = new MemoryCooldowns(NOW);
    private final List<Skip> reported = new ArrayList<>();

    private static final ProviderSnapshot A = Fixtures.provider(1, "a",
            List.of(Fixtures.key(11, "a1", 1), Fixtures.key(12, "a2", 1), Fixtures.key(13, "a3", 1),
                    Fixtures.key(14, "a4", 1)),
            Fixtures.model(101, "gpt"));
    private static final ProviderSnapshot B = Fixtures.provider(2, "b", List.of(Fixtures.key(21, "b1", 1)),
            Fixtures.model(201, "gpt"));

    private CatalogIndex index(ProviderSnapshot... providers) {
        return Fixtures.catalog().providers(providers)
                .pools(Fixtures.pool(1, "pool", PoolSnapshot.PRIORITY, Fixtures.member(1, "gpt", 0, 1),
                        Fixtures.member(2, "gpt", 1, 1)))
                .index();
    }

    private CandidateQueue open(CatalogIndex idx, String model, FailoverSettings settings) {
        Resolution r = new Resolver(idx).resolve(new ResolveRequest(model, null, "openai", cooldowns, null, cooldowns.now));
        return new FailoverPlanner(settings, cooldowns, cooldowns, new SplittableRandom(7))
                .open(r, idx, cooldowns.now, reported::add);
    }

    private CandidateQueue open(CatalogIndex idx, String model) {
        return open(idx, model, FailoverSettings.defaults());
    }

    private static CandidateQueue queueOf(MemoryCooldowns cd, FailoverSettings settings, Candidate... chain) {
        Resolution r = new Resolution("m", List.of("m"), "test", List.of(chain), List.of());
        return new FailoverPlanner(settings, cd, cd, new SplittableRandom(7)).open(r, null, cd.now, null);
    }

    private static AttemptOutcome status(int status, String... headerPairs) {
        Map<String, String> h = new java.util.HashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.put(headerPairs[i], headerPairs[i + 1]);
        }
        return AttemptOutcome.http(status, "{}", h);
    }

    private static Candidate candidate(ProviderSnapshot p, ModelSnapshot m) {
        return new Candidate(p, m.name(), m.upstreamName(), m, p.keys().get(0), p.name(), null);
    }

    // ---- behaviour 1: one failure, one scope ----

    @Test
    void skipsTheOtherKeysOfAProviderItJustCooled() {
        CandidateQueue q = open(index(A, B), "pool");

        Candidate first = q.next(NOW);
        Step step = q.failed(first, status(503), 12, NOW);
        Candidate second = q.next(NOW);

        assertThat(first.label()).isEqualTo("a/gpt/a1");
        assertThat(step.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(second.label()).isEqualTo("b/gpt/b1");
        assertThat(q.attempts()).hasSize(1);
        assertThat(q.attemptsUsed()).isEqualTo(2);
        assertThat(reported).extracting(Skip::keyLabel).containsExactly("a2", "a3", "a4");
        assertThat(reported).extracting(Skip::reason).containsOnly(Skip.COOLING_DOWN);
        assertThat(cooldowns.writes).containsExactly("provider_model:1:gpt");
    }

    @Test
    void aConnectFailureBenchesEveryModelOfTheProvider() {
        ModelSnapshot fallback = Fixtures.model(102, "gpt-mini");
        ProviderSnapshot a = Fixtures.provider(1, "a", List.of(Fixtures.key(11, "a1", 1)), Fixtures.model(101, "gpt"),
                fallback);
        CandidateQueue q = queueOf(cooldowns, FailoverSettings.defaults(), candidate(a, a.models().get(0)),
                candidate(a, fallback), candidate(B, B.models().get(0)));

        q.failed(q.next(NOW), AttemptOutcome.of(Kind.CONNECT_ERROR), 3, NOW);

        assertThat(q.next(NOW).provider().name()).isEqualTo("b");
        assertThat(q.skips()).extracting(Skip::model).containsExactly("gpt-mini");
    }

    @Test
    void aResetOnThePrimaryModelLeavesTheProvidersOtherModelsUsable() {
        ModelSnapshot fallback = Fixtures.model(102, "gpt-mini");
        ProviderSnapshot a = Fixtures.provider(1, "a", List.of(Fixtures.key(11, "a1", 1)), Fixtures.model(101, "gpt"),
                fallback);
        CandidateQueue q = queueOf(cooldowns, FailoverSettings.defaults(), candidate(a, a.models().get(0)),
                candidate(a, fallback));

        Candidate primary = q.next(NOW);
        Step retry = q.failed(primary, AttemptOutcome.of(Kind.RESET_AFTER_WRITE), 5, NOW);
        Step moveOn = q.failed(primary, AttemptOutcome.of(Kind.RESET_AFTER_WRITE), 5, NOW + 300);
        Candidate next = q.next(NOW + 300);

        assertThat(retry.kind()).isEqualTo(Step.Kind.RETRY_SAME);
        assertThat(moveOn.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(cooldowns.writes).containsExactly("provider_model:1:gpt");
        assertThat(next.model()).isEqualTo("gpt-mini");
        assertThat(q.attemptsUsed()).isEqualTo(3);
    }

    @Test
    void aCooldownAnotherRequestSetSinceResolutionIsHonouredToo() {
        CandidateQueue q = open(index(A, B), "pool");
        cooldowns.put(new CooldownState("provider:1", NOW + 5_000, "overloaded", 1, "r2", false));

        assertThat(q.next(NOW).label()).isEqualTo("b/gpt/b1");
        assertThat(q.skips()).extracting(Skip::reason).containsOnly(Skip.COOLING_DOWN);
    }

    @Test
    void aProbeHeldElsewhereCostsNoBudgetAndIsNotARateLimit() {
        cooldowns.put(new CooldownState("provider:1", NOW - 1, "upstream_error", 1, "r2", false)); // half-open
        CandidateQueue q = open(index(A, B), "pool", new FailoverSettings(2, Duration.ofSeconds(120),
                Duration.ofMinutes(15), Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(5)));

        Candidate probe = q.next(NOW);
        q.probeLost(probe);
        Candidate b = q.next(NOW);

        assertThat(probe.probeScope()).isEqualTo("provider:1");
        assertThat(b.label()).isEqualTo("b/gpt/b1");
        assertThat(q.attemptsUsed()).isEqualTo(1);
        assertThat(q.skips()).extracting(Skip::reason).containsOnly(Skip.PROBE_IN_FLIGHT);
        assertThat(q.skips()).hasSize(4); // a1 lost the lock; a2..a4 never asked for it
    }

    @Test
    void onlyProbesHeldElsewhereAnswer503NotAFalse429() {
        cooldowns.put(new CooldownState("provider:1", NOW - 1, "rate_limited", 1, "r2", true));
        CandidateQueue q = open(Fixtures.catalog().providers(A).index(), "gpt");

        for (Candidate c = q.next(NOW); c != null; c = q.next(NOW)) {
            q.probeLost(c);
        }
        Exhaustion ex = q.exhaustion(NOW);

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.retryAfterSeconds()).isEqualTo(1L);
        assertThat(q.attemptsUsed()).isZero();
    }

    // ---- behaviour 3: Retry-After is honest ----

    @Test
    void anAllRateLimitedChainAnswersRetryAfterOfTheEarliestCandidateCountingCooldownsItJustSet() {
        CandidateQueue q = open(index(Fixtures.provider(1, "a", List.of(Fixtures.key(11, "a1", 1)),
                Fixtures.model(101, "gpt")), B), "pool");

        q.failed(q.next(NOW), status(429, "retry-after", "30"), 4, NOW);
        q.failed(q.next(NOW), status(429, "retry-after", "7"), 4, NOW);
        Exhaustion ex = q.next(NOW) == null ? q.exhaustion(NOW + 200) : null;

        assertThat(ex.status()).isEqualTo(429);
        assertThat(ex.retryAfterSeconds()).isEqualTo(7L);
    }

    @Test
    void aCooldownThatExpiredBetweenResolutionAndTheReplyIsNeverAFalse429() {
        cooldowns.put(new CooldownState("key_model:11:gpt", NOW + 1_000, "rate_limited", 1, "r2", true));
        CandidateQueue q = open(index(Fixtures.provider(1, "a", List.of(Fixtures.key(11, "a1", 1)),
                Fixtures.model(101, "gpt")), B), "pool");

        q.failed(q.next(NOW), status(429, "retry-after", "20"), 4, NOW);
        assertThat(q.next(NOW)).isNull();
        Exhaustion later = q.exhaustion(NOW + 1_500); // a1's cooldown is over: it is usable now
        Exhaustion inTime = q.exhaustion(NOW + 500);

        assertThat(later.status()).isEqualTo(503);
        assertThat(later.retryAfterSeconds()).isEqualTo(1L);
        assertThat(inTime.status()).isEqualTo(429);
        assertThat(inTime.retryAfterSeconds()).isEqualTo(1L);
    }

    @Test
    void aChainOfServerErrorsAnswers502WithTheEarliestRecovery() {
        CandidateQueue q = open(index(A, B), "pool");

        q.failed(q.next(NOW), status(503), 4, NOW);
        q.failed(q.next(NOW), status(503, "retry-after", "9"), 4, NOW);
        assertThat(q.next(NOW)).isNull();
        Exhaustion ex = q.exhaustion(NOW);

        assertThat(ex.status()).isEqualTo(502);
        assertThat(ex.retryAfterSeconds()).isEqualTo(1L); // a's provider_model cooldown: base backoff 1 s
        assertThat(q.attempts()).extracting(Attempt::provider).containsExactly("a", "b");
    }

    // ---- behaviour 4: one same-candidate retry where it pays ----

    @Test
    void aShortRetryAfterIsWaitedForOnceOnTheSameCandidate() {
        CandidateQueue q = open(index(A, B), "pool");

        Candidate c = q.next(NOW);
        Step first = q.failed(c, status(429, "retry-after", "2"), 4, NOW);
        Step second = q.failed(c, status(429, "retry-after", "2"), 4, NOW + 2_000);

        assertThat(first.kind()).isEqualTo(Step.Kind.RETRY_SAME);
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(second.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(cooldowns.writes).containsExactly("key_model:11:gpt");
        assertThat(q.attemptsUsed()).isEqualTo(2);
    }

    @Test
    void aOneOff500IsRetriedAfterAJitteredBackoffAndATimeoutNever() {
        CandidateQueue q = open(index(A, B), "pool");

        Candidate c = q.next(NOW);
        Step retry = q.failed(c, status(500), 4, NOW);
        Step timeout = q.failed(q.next(NOW), AttemptOutcome.of(Kind.FIRST_TOKEN_TIMEOUT), 30_000, NOW);

        assertThat(retry.kind()).isEqualTo(Step.Kind.RETRY_SAME);
        assertThat(retry.delay()).isBetween(Duration.ofMillis(200), Duration.ofMillis(399));
        assertThat(timeout.kind()).isEqualTo(Step.Kind.NEXT);
    }

    @Test
    void aPoolThatTurnedRetriesOffMovesOnAtOnce() {
        CatalogIndex idx = Fixtures.catalog().providers(A, B)
                .pools(new PoolSnapshot(1, "pool", PoolSnapshot.PRIORITY, true,
                        List.of(Fixtures.member(1, "gpt", 0, 1), Fixtures.member(2, "gpt", 1, 1)), false))
                .index();
        CandidateQueue q = open(idx, "pool");

        Step step = q.failed(q.next(NOW), status(500), 4, NOW);

        assertThat(step.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(q.next(NOW).provider().name()).isEqualTo("b");
    }

    @Test
    void noRetryWhenTheBudgetIsSpent() {
        FailoverSettings one = new FailoverSettings(1, Duration.ofSeconds(120), Duration.ofMinutes(15),
                Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofMinutes(5));
        CandidateQueue q = open(index(A, B), "pool", one);

        Step step = q.failed(q.next(NOW), status(502), 4, NOW);

        assertThat(step.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(q.next(NOW)).isNull();
    }

    // ---- behaviour 8: prompts too long for a model ----

    private static ModelSnapshot window(long id, String name, Integer tokens) {
        return new ModelSnapshot(id, name, name, tokens, BigDecimal.ONE, BigDecimal.ONE, true);
    }

    @Test
    void aPromptTooLongIsTriedOnTheNextLargerWindowElseRelayed() {
        ProviderSnapshot p = Fixtures.provider(1, "p", List.of(Fixtures.key(11, "k", 1)), window(1, "small", 8_192),
                window(2, "same", 8_192), window(3, "unknown", null), window(4, "big", 200_000));
        CandidateQueue q = queueOf(cooldowns, FailoverSettings.defaults(), candidate(p, p.models().get(0)),
                candidate(p, p.models().get(1)), candidate(p, p.models().get(2)), candidate(p, p.models().get(3)));
        AttemptOutcome tooLong = AttemptOutcome.http(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}", null);

        Step onSmall = q.failed(q.next(NOW), tooLong, 3, NOW);
        Candidate big = q.next(NOW);
        Step onBig = q.failed(big, tooLong, 3, NOW);

        assertThat(onSmall.kind()).isEqualTo(Step.Kind.NEXT);
        assertThat(big.model()).isEqualTo("big");
        assertThat(q.skips()).extracting(Skip::reason).containsExactly(Skip.CONTEXT_TOO_SMALL, Skip.CONTEXT_TOO_SMALL);
        assertThat(onBig.kind()).isEqualTo(Step.Kind.RELAY);
        assertThat(cooldowns.writes).isEmpty();
    }

    // ---- behaviour 5: continuation eligibility ----

    @Test
    void aBrokenStreamContinuesOnTheNextCandidateThatAcceptsAPrefillAtMostOnce() {
        ProviderSnapshot openai = Fixtures.provider(1, "o", List.of(Fixtures.key(11, "k", 1)), Fixtures.model(1, "gpt"),
                Fixtures.model(2, "gpt-mini"));
        ProviderSnapshot anthropic = Fixtures.provider(2, "an", ProviderSnapshot.ANTHROPIC,
                List.of(Fixtures.key(21, "k", 1)), List.of(Fixtures.model(3, "claude")));
        CandidateQueue q = queueOf(cooldowns, FailoverSettings.defaults(), candidate(openai, openai.models().get(0)),
                candidate(openai, openai.models().get(1)), candidate(anthropic, anthropic.models().get(0)));

        Candidate served = q.next(NOW);
        q.failed(served, AttemptOutcome.of(Kind.IDLE_TIMEOUT), 61_000, NOW);
        Continuation k = q.continuation(NOW);
        q.failed(k.candidate(), new AttemptOutcome(Kind.STREAM_ERROR, 200, "cut", null), 100, NOW);

        assertThat(k.candidate().model()).isEqualTo("claude");
        assertThat(k.mode()).isEqualTo(Continuation.Mode.PREFILL);
        assertThat(k.number()).isEqualTo(1);
        assertThat(q.continuation(NOW)).isNull();
    }

    @Test
    void withoutPrefillSupportTheContinuationRestartsAndMustMatchThePrefix() {
        ProviderSnapshot openai = Fixtures.provider(1, "o", List.of(Fixtures.key(11, "k", 1)), Fixtures.model(1, "gpt"),
                Fixtures.model(2, "gpt-mini"));
        ModelSnapshot noPrefill = new ModelSnapshot(3, "claude", "claude", 200_000, null, null, true, false);
        ProviderSnapshot anthropic = Fixtures.provider(2, "an", ProviderSnapshot.ANTHROPIC,
                List.of(Fixtures.key(21, "k", 1)), List.of(noPrefill));
        CandidateQueue q = queueOf(cooldowns, FailoverSettings.defaults(), candidate(openai, openai.models().get(0)),
                candidate(openai, openai.models().get(1)), candidate(anthropic, noPrefill));

        q.failed(q.next(NOW), AttemptOutcome.of(Kind.IDLE_TIMEOUT), 61_000, NOW);
        Continuation k = q.continuation(NOW);

        assertThat(k.candidate().model()).isEqualTo("gpt-mini");
        assertThat(k.mode()).isEqualTo(Continuation.Mode.RESTART_MATCHING_PREFIX);
    }

    @Test
    void continuationsCanBeTurnedOff() {
        FailoverSettings none = new FailoverSettings(4, Duration.ofSeconds(120), Duration.ofMinutes(15),
                Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofMinutes(5), null, null, null, 0);
        CandidateQueue q = open(index(A, B), "pool", none);

        q.failed(q.next(NOW), AttemptOutcome.of(Kind.IDLE_TIMEOUT), 61_000, NOW);

        assertThat(q.continuation(NOW)).isNull();
    }

    // ---- the client leaving ----

    @Test
    void aClientThatLeftStopsTheChain() {
        CandidateQueue q = open(index(A, B), "pool");

        assertThat(q.failed(q.next(NOW), AttemptOutcome.of(Kind.CLIENT_CANCELLED), 1, NOW).kind())
                .isEqualTo(Step.Kind.STOP);
        assertThat(cooldowns.writes).isEmpty();
    }
}
