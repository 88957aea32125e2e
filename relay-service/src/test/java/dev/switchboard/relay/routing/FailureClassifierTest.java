package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.relay.routing.AttemptOutcome.Kind;
import dev.switchboard.relay.routing.FailoverDecision.Action;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    private static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
    private final FailureClassifier classifier = new FailureClassifier(FailoverSettings.defaults());

    private FailoverDecision http(int status, String body, Map<String, String> headers) {
        return classifier.classify(AttemptOutcome.http(status, body, headers), List.of(), NOW);
    }

    private FailoverDecision of(Kind kind) {
        return classifier.classify(AttemptOutcome.of(kind), List.of(), NOW);
    }

    // ---- 429 ----

    @Test
    void rateLimitCoolsKeyAndModelWithRetryAfterSeconds() {
        FailoverDecision d = http(429, "{\"error\":{\"type\":\"rate_limit_exceeded\"}}", Map.of("retry-after", "7"));

        assertThat(d).isEqualTo(new FailoverDecision(Action.NEXT, CooldownScope.Kind.KEY_MODEL, Duration.ofSeconds(7),
                "rate_limited", true));
    }

    @Test
    void rateLimitWithoutHintLeavesTheDurationToThePolicy() {
        FailoverDecision d = http(429, null, Map.of());

        assertThat(d.scope()).isEqualTo(CooldownScope.Kind.KEY_MODEL);
        assertThat(d.hint()).isNull();
        assertThat(d.rateLimited()).isTrue();
    }

    @Test
    void retryAfterAsHttpDateIsRelativeToNow() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 90_000).atOffset(ZoneOffset.UTC));

        assertThat(http(429, "", Map.of("retry-after", date)).hint()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void retryAfterOfEighteenDaysIsCappedAtFifteenMinutes() {
        assertThat(http(429, "", Map.of("retry-after", String.valueOf(18 * 86_400))).hint())
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void retryAfterInThePastMeansNoWait() {
        assertThat(http(429, "", Map.of("retry-after", "Thu, 01 Jan 2026 00:00:00 GMT")).hint()).isEqualTo(Duration.ZERO);
    }

    @Test
    void garbageRetryAfterIsIgnored() {
        assertThat(http(429, "", Map.of("retry-after", "soon")).hint()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"1s,1000", "6m0s,360000", "120ms,120", "1m2.5s,62500", "1h0m0s,900000", "0.5s,500", "20,20000"})
    void openAiResetHeadersInGoDurationFormat(String value, long millis) {
        assertThat(http(429, "", Map.of("x-ratelimit-reset-requests", value)).hint()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void resetOfTheExhaustedLimitIsUsedAndTheLargerWhenUnclear() {
        Map<String, String> tokensOut = Map.of("x-ratelimit-reset-requests", "2s", "x-ratelimit-reset-tokens", "40s",
                "x-ratelimit-remaining-requests", "12", "x-ratelimit-remaining-tokens", "0");
        Map<String, String> requestsOut = Map.of("x-ratelimit-reset-requests", "2s", "x-ratelimit-reset-tokens", "40s",
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-remaining-tokens", "500");
        Map<String, String> unclear = Map.of("x-ratelimit-reset-requests", "2s", "x-ratelimit-reset-tokens", "40s");

        assertThat(http(429, "", tokensOut).hint()).isEqualTo(Duration.ofSeconds(40));
        assertThat(http(429, "", requestsOut).hint()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http(429, "", unclear).hint()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void retryAfterWinsOverResetHeadersAndRetryAfterMsWinsOverBoth() {
        assertThat(http(429, "", Map.of("retry-after", "3", "x-ratelimit-reset-tokens", "40s")).hint())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(http(429, "", Map.of("retry-after-ms", "250", "retry-after", "3")).hint())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anthropicResetTimestampsAreUsed() {
        String at = Instant.ofEpochMilli(NOW + 30_000).toString();

        assertThat(http(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}",
                Map.of("anthropic-ratelimit-requests-reset", at)).hint()).isEqualTo(Duration.ofSeconds(30));
    }

    // ---- quota ----

    @Test
    void insufficientQuotaCoolsTheWholeKey() {
        FailoverDecision d = http(429, "{\"error\":{\"code\":\"insufficient_quota\",\"type\":\"insufficient_quota\"}}",
                Map.of());

        assertThat(d).isEqualTo(new FailoverDecision(Action.NEXT, CooldownScope.Kind.KEY, null, "quota_exhausted", false));
    }

    @Test
    void paymentRequiredIsQuotaAndResetHintsAreCappedAtSixHours() {
        FailoverDecision d = http(402, "billing hard limit", Map.of("retry-after", String.valueOf(86_400)));

        assertThat(d.scope()).isEqualTo(CooldownScope.Kind.KEY);
        assertThat(d.reason()).isEqualTo("quota_exhausted");
        assertThat(d.hint()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void billingBodyOn429IsQuota() {
        assertThat(http(429, "Your BILLING details are missing", Map.of()).reason()).isEqualTo("quota_exhausted");
    }

    // ---- auth, 404, 5xx, overload ----

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void refusedKeyCoolsTheKey(int status) {
        assertThat(http(status, "invalid api key", Map.of()))
                .isEqualTo(new FailoverDecision(Action.NEXT, CooldownScope.Kind.KEY, null, "auth_failed", false));
    }

    @Test
    void unknownModelUpstreamCoolsProviderAndModel() {
        assertThat(http(404, "{\"error\":{\"code\":\"model_not_found\"}}", Map.of())).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "model_not_found", false));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 599})
    void serverErrorsCoolProviderAndModel(int status) {
        assertThat(http(status, "oops", Map.of())).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "upstream_error", false));
    }

    @Test
    void serviceUnavailableWithRetryAfterCarriesTheHint() {
        assertThat(http(503, "", Map.of("retry-after", "30")).hint()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void status529CoolsTheWholeProvider() {
        assertThat(http(529, "", Map.of())).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER, null, "overloaded", false));
    }

    @Test
    void anthropicOverloadedBodyCoolsTheWholeProviderWhateverTheStatus() {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

        assertThat(http(500, body, Map.of()).scope()).isEqualTo(CooldownScope.Kind.PROVIDER);
        assertThat(http(500, body, Map.of()).reason()).isEqualTo("overloaded");
    }

    // ---- the request itself is bad ----

    @ParameterizedTest
    @ValueSource(ints = {400, 413, 422, 409})
    void badRequestsAreRelayedAndCoolNothing(int status) {
        assertThat(http(status, "{\"error\":{\"message\":\"bad\"}}", Map.of()))
                .isEqualTo(new FailoverDecision(Action.RELAY, null, null, "bad_request", false));
    }

    @Test
    void contextLengthExceededIsRelayed() {
        FailoverDecision d = http(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}", Map.of());

        assertThat(d.action()).isEqualTo(Action.RELAY);
        assertThat(d.scope()).isNull();
    }

    // ---- transport ----

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT_ERROR", "CONNECT_TIMEOUT"})
    void connectFailuresCoolTheProvider(Kind kind) {
        assertThat(of(kind)).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER, null, "connect_failed", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FIRST_BYTE_TIMEOUT", "IDLE_TIMEOUT"})
    void timeoutsCoolProviderAndModel(Kind kind) {
        assertThat(of(kind)).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "timeout", false));
    }

    @Test
    void clientCancellationStopsAtOnceAndCoolsNothing() {
        assertThat(of(Kind.CLIENT_CANCELLED))
                .isEqualTo(new FailoverDecision(Action.STOP, null, null, "client_cancelled", false));
    }

    @Test
    void streamErrorMovesOnAndCoolsProviderAndModel() {
        assertThat(classifier.classify(new AttemptOutcome(Kind.STREAM_ERROR, 200, "connection reset", null), List.of(), NOW))
                .isEqualTo(new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "stream_error", false));
    }

    @Test
    void inBandErrorEventsAreClassifiedByTheirType() {
        FailoverDecision overloaded = classifier.classify(new AttemptOutcome(Kind.STREAM_ERROR, 200,
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}", null), List.of(), NOW);
        FailoverDecision limited = classifier.classify(new AttemptOutcome(Kind.STREAM_ERROR, 200,
                "data: {\"error\":{\"type\":\"rate_limit_error\"}}", null), List.of(), NOW);

        assertThat(overloaded.scope()).isEqualTo(CooldownScope.Kind.PROVIDER);
        assertThat(limited.reason()).isEqualTo("rate_limited");
        assertThat(limited.scope()).isEqualTo(CooldownScope.Kind.KEY_MODEL);
    }

    // ---- operator rules ----

    @Test
    void operatorRuleOverridesTheTable() {
        FailoverRule rule = new FailoverRule(400, "Content Filter", "retry", "provider_model", 120L, "content_filter");

        FailoverDecision d = classifier.classify(AttemptOutcome.http(400, "{\"error\":\"content filter triggered\"}", null),
                List.of(rule), NOW);

        assertThat(d).isEqualTo(new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL,
                Duration.ofSeconds(120), "content_filter", false));
    }

    @Test
    void operatorStopRuleRelaysWhatTheTableWouldRetry() {
        FailoverRule rule = new FailoverRule(503, null, "stop", "none", null, "maintenance");

        FailoverDecision d = classifier.classify(AttemptOutcome.http(503, "down", null), List.of(rule), NOW);

        assertThat(d).isEqualTo(new FailoverDecision(Action.RELAY, null, null, "maintenance", false));
    }

    @Test
    void operatorStopRuleMayStillCoolAScope() {
        FailoverRule rule = new FailoverRule(403, "suspended", "stop", "key", 3600L, "account_suspended");

        FailoverDecision d = classifier.classify(AttemptOutcome.http(403, "Account SUSPENDED", null), List.of(rule), NOW);

        assertThat(d).isEqualTo(new FailoverDecision(Action.RELAY, CooldownScope.Kind.KEY, Duration.ofHours(1),
                "account_suspended", false));
        assertThat(new CooldownPolicy(FailoverSettings.defaults()).next(null, "key:1", d, NOW, "r").untilEpochMs())
                .isEqualTo(NOW + 3_600_000);
    }

    @Test
    void firstMatchingRuleWinsAndNonMatchingRulesFallThrough() {
        List<FailoverRule> rules = List.of(new FailoverRule(500, "quota", "retry", "key", null, "first"),
                new FailoverRule(500, null, "retry", "provider", null, "second"));

        assertThat(classifier.classify(AttemptOutcome.http(500, "no QUOTA left", null), rules, NOW).reason()).isEqualTo("first");
        assertThat(classifier.classify(AttemptOutcome.http(500, "boom", null), rules, NOW).reason()).isEqualTo("second");
        assertThat(classifier.classify(AttemptOutcome.http(502, "boom", null), rules, NOW).reason()).isEqualTo("upstream_error");
    }

    @Test
    void catchAllRuleDoesNotCaptureTransportFailuresOrCancellation() {
        List<FailoverRule> rules = List.of(new FailoverRule(null, null, "stop", "none", null, "everything"));

        assertThat(of(Kind.CONNECT_ERROR).reason()).isEqualTo("connect_failed");
        assertThat(classifier.classify(AttemptOutcome.of(Kind.CONNECT_ERROR), rules, NOW).reason()).isEqualTo("connect_failed");
        assertThat(classifier.classify(AttemptOutcome.of(Kind.CLIENT_CANCELLED), rules, NOW).action()).isEqualTo(Action.STOP);
        assertThat(classifier.classify(AttemptOutcome.http(502, "x", null), rules, NOW).reason()).isEqualTo("everything");
    }

    // ---- issue 12: what a failure says about its scope ----

    @Test
    void aResetAfterTheRequestWasWrittenCoolsOnlyTheModelNotTheProvider() {
        assertThat(of(Kind.RESET_AFTER_WRITE)).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "connection_reset", false));
    }

    @Test
    void firstTokenTimeoutAndMalformedEventsCoolProviderAndModel() {
        assertThat(of(Kind.FIRST_TOKEN_TIMEOUT)).isEqualTo(
                new FailoverDecision(Action.NEXT, CooldownScope.Kind.PROVIDER_MODEL, null, "timeout", false));
        assertThat(of(Kind.MALFORMED_EVENT).scope()).isEqualTo(CooldownScope.Kind.PROVIDER_MODEL);
        assertThat(of(Kind.MALFORMED_EVENT).reason()).isEqualTo("malformed_event");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"error\":{\"code\":\"context_length_exceeded\"}}",
            "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}",
            "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\"}}"})
    void promptsTooLongForTheModelAreRecognisedAndCoolNothing(String body) {
        assertThat(http(400, body, Map.of()))
                .isEqualTo(new FailoverDecision(Action.RELAY, null, null, "context_length_exceeded", false));
    }

    @Test
    void contentPolicyRefusalsAreRelayedUnchangedAndNeverCoolTheKey() {
        assertThat(http(400, "{\"error\":{\"code\":\"content_policy_violation\"}}", Map.of()))
                .isEqualTo(new FailoverDecision(Action.RELAY, null, null, "content_policy", false));
        assertThat(http(403, "{\"error\":{\"code\":\"content_filter\"}}", Map.of()))
                .isEqualTo(new FailoverDecision(Action.RELAY, null, null, "content_policy", false));
    }

    @Test
    void aNameTheCatalogDoesNotListNeverBecomesACooldownKey() {
        var p = Fixtures.provider(1, "p", List.of(Fixtures.key(11, "k1", 1)), Fixtures.model(101, "listed"));
        Candidate unlisted = new Candidate(p, "invented-9000", "invented-9000", null, p.keys().get(0), "p", null);

        FailoverDecision notFound = classifier.classify(AttemptOutcome.http(404, "{}", null), unlisted, NOW);
        FailoverDecision limited = classifier.classify(AttemptOutcome.http(429, "{}", Map.of("retry-after", "2")), unlisted, NOW);
        FailoverDecision down = classifier.classify(AttemptOutcome.http(500, "{}", null), unlisted, NOW);
        FailoverDecision reset = classifier.classify(AttemptOutcome.of(Kind.RESET_AFTER_WRITE), unlisted, NOW);

        assertThat(notFound).isEqualTo(new FailoverDecision(Action.RELAY, null, null, "model_not_found", false));
        assertThat(limited.scope()).isEqualTo(CooldownScope.Kind.KEY);
        assertThat(down.scope()).isEqualTo(CooldownScope.Kind.PROVIDER);
        assertThat(reset.scope()).isEqualTo(CooldownScope.Kind.PROVIDER);
        for (FailoverDecision d : List.of(limited, down, reset)) {
            assertThat(d.scope().of(unlisted)).doesNotContain("invented");
        }
    }

    @Test
    void aListedNameKeepsItsModelScopes() {
        var p = Fixtures.provider(1, "p", List.of(Fixtures.key(11, "k1", 1)), Fixtures.model(101, "listed"));
        Candidate listed = new Candidate(p, "listed", "listed", p.models().get(0), p.keys().get(0), "p", null);

        assertThat(classifier.classify(AttemptOutcome.http(404, "{}", null), listed, NOW).scope())
                .isEqualTo(CooldownScope.Kind.PROVIDER_MODEL);
        assertThat(classifier.classify(AttemptOutcome.http(429, "{}", null), listed, NOW).scope())
                .isEqualTo(CooldownScope.Kind.KEY_MODEL);
    }

    @Test
    void aHugeRuleCooldownIsClampedToOneDayAndNeverThrowsOnTheFailurePath() {
        FailoverRule rule = new FailoverRule(500, null, "retry", "provider", Long.MAX_VALUE, "forever");

        FailoverDecision d = classifier.classify(AttemptOutcome.http(500, "x", null), List.of(rule), NOW);
        CooldownState s = new CooldownPolicy(FailoverSettings.defaults()).next(null, "provider:1", d, NOW, "r");

        assertThat(d.hint()).isEqualTo(Duration.ofDays(1));
        assertThat(s.untilEpochMs()).isEqualTo(NOW + Duration.ofDays(1).toMillis());
    }
}
