package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.relay.routing.FailoverDecision.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CooldownPolicyTest {

    private static final long NOW = 10_000_000L;
    private static final String SCOPE = "key_model:12:gpt-4o";
    private final FailoverSettings settings = FailoverSettings.defaults();
    private final CooldownPolicy policy = new CooldownPolicy(settings);

    private static FailoverDecision decision(String reason, Duration hint, boolean rateLimited) {
        return new FailoverDecision(Action.NEXT, CooldownScope.Kind.KEY_MODEL, hint, reason, rateLimited);
    }

    private static final FailoverDecision RATE_LIMIT = decision("rate_limited", null, true);
    private static final FailoverDecision SERVER_ERROR = decision("upstream_error", null, false);

    @Test
    void firstFailureCoolsForTheBaseBackoff() {
        CooldownState s = policy.next(null, SCOPE, SERVER_ERROR, NOW, "r1");

        assertThat(s).isEqualTo(new CooldownState(SCOPE, NOW + 1_000, "upstream_error", 1, "r1", false));
    }

    @Test
    void repeatedServerErrorsDoubleUpToTheUnavailableCapOfFifteenSeconds() {
        CooldownState s = null;
        long now = NOW;
        long[] expected = {1, 2, 4, 8, 15, 15, 15, 15};
        for (long seconds : expected) {
            s = policy.next(s, SCOPE, SERVER_ERROR, now, "r1");
            assertThat(s.untilEpochMs() - now).isEqualTo(seconds * 1000);
            now = s.untilEpochMs() + 1; // the half-open probe fails right after expiry
        }
        assertThat(s.strikes()).isEqualTo(expected.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"upstream_error", "overloaded", "connect_failed", "connection_reset", "timeout",
            "stream_error", "malformed_event"})
    void aFlappingUpstreamIsProbedAgainWithinTwentySecondsOfItsRecovery(String reason) {
        // 60 s outage, a probe right after each expiry: every failed probe cools at most 15 s more
        CooldownState s = null;
        long now = NOW;
        while (now < NOW + 60_000) {
            s = policy.next(s, SCOPE, decision(reason, null, false), now, "r1");
            assertThat(s.untilEpochMs() - now).isLessThanOrEqualTo(15_000);
            now = s.untilEpochMs() + 1;
        }
        assertThat(now - (NOW + 60_000)).isLessThan(20_000);
    }

    @Test
    void rateLimitsWithoutAHintStillGrowUpToTheMaxBackoff() {
        CooldownState s = null;
        long now = NOW;
        for (int i = 0; i < 12; i++) {
            s = policy.next(s, SCOPE, RATE_LIMIT, now, "r1");
            now = s.untilEpochMs() + 1;
        }
        assertThat(policy.duration(RATE_LIMIT, 12)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anUpstreamRetryAfterLongerThanTheCapStillWins() {
        CooldownState s = policy.next(null, SCOPE, decision("upstream_error", Duration.ofSeconds(40), false), NOW, "r1");

        assertThat(s.untilEpochMs()).isEqualTo(NOW + 40_000);
    }

    @Test
    void failureWhileStillActiveAlsoCountsAsAStrike() {
        CooldownState first = policy.next(null, SCOPE, SERVER_ERROR, NOW, "r1");

        CooldownState second = policy.next(first, SCOPE, SERVER_ERROR, NOW + 100, "r2");

        assertThat(second.strikes()).isEqualTo(2);
        assertThat(second.untilEpochMs()).isEqualTo(NOW + 100 + 2_000);
        assertThat(second.replica()).isEqualTo("r2");
    }

    @Test
    void aShorterLaterCooldownNeverShortensALongerOne() {
        CooldownState quota = policy.next(null, SCOPE, decision("quota_exhausted", null, false), NOW, "r1");

        CooldownState after = policy.next(quota, SCOPE, RATE_LIMIT, NOW + 5_000, "r2");

        assertThat(after.untilEpochMs()).isEqualTo(quota.untilEpochMs());
        assertThat(after.reason()).isEqualTo("quota_exhausted");
        assertThat(after.rateLimited()).isFalse();
        assertThat(after.replica()).isEqualTo("r1");
        assertThat(after.strikes()).isEqualTo(2);
    }

    @Test
    void hintWinsWhenLargerThanTheBackoff() {
        CooldownState s = policy.next(null, SCOPE, decision("rate_limited", Duration.ofSeconds(30), true), NOW, "r1");

        assertThat(s.untilEpochMs()).isEqualTo(NOW + 30_000);
        assertThat(s.rateLimited()).isTrue();
    }

    @Test
    void backoffWinsWhenLargerThanTheHint() {
        CooldownState s = null;
        for (int i = 0; i < 4; i++) { // strikes 1..4 → 8 s backoff on the fourth
            s = policy.next(s, SCOPE, decision("rate_limited", Duration.ofSeconds(2), true), NOW, "r1");
        }

        assertThat(s.untilEpochMs()).isEqualTo(NOW + 8_000);
    }

    @Test
    void quotaAuthAndModelNotFoundUseLongFixedDurationsThatGrowAfterAFailedProbe() {
        CooldownState quota = policy.next(null, SCOPE, decision("quota_exhausted", null, false), NOW, "r1");
        CooldownState auth = policy.next(null, SCOPE, decision("auth_failed", null, false), NOW, "r1");
        CooldownState missing = policy.next(null, SCOPE, decision("model_not_found", null, false), NOW, "r1");
        long probe = quota.untilEpochMs() + 10;
        CooldownState quotaAgain = policy.next(quota, SCOPE, decision("quota_exhausted", null, false), probe, "r1");

        assertThat(quota.untilEpochMs() - NOW).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(auth.untilEpochMs() - NOW).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(missing.untilEpochMs() - NOW).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(quotaAgain.untilEpochMs() - probe).isEqualTo(Duration.ofHours(2).toMillis());
    }

    @Test
    void fixedDurationsGrowAtMostFourfold() {
        CooldownState s = null;
        long now = NOW;
        for (int i = 0; i < 6; i++) {
            s = policy.next(s, SCOPE, decision("auth_failed", null, false), now, "r1");
            now = s.untilEpochMs() + 1;
        }

        assertThat(s.untilEpochMs() - (s.untilEpochMs() - Duration.ofHours(4).toMillis())).isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(policy.duration(decision("auth_failed", null, false), 6)).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void longExpiredEntryStartsOverAtOneStrike() {
        CooldownState old = new CooldownState(SCOPE, NOW - Duration.ofHours(1).toMillis(), "upstream_error", 7, "r1", false);

        CooldownState s = policy.next(old, SCOPE, SERVER_ERROR, NOW, "r2");

        assertThat(s.strikes()).isEqualTo(1);
        assertThat(s.untilEpochMs()).isEqualTo(NOW + 1_000);
    }

    @Test
    void afterASuccessClearedTheScopeTheNextFailureStartsOver() {
        CooldownState s = null;
        for (int i = 0; i < 5; i++) {
            s = policy.next(s, SCOPE, SERVER_ERROR, NOW, "r1");
        }
        assertThat(s.strikes()).isEqualTo(5);

        CooldownState afterSuccess = policy.next(null, SCOPE, SERVER_ERROR, NOW, "r1"); // success deleted the entry

        assertThat(afterSuccess.strikes()).isEqualTo(1);
        assertThat(afterSuccess.untilEpochMs()).isEqualTo(NOW + 1_000);
    }

    @Test
    void decisionsThatCoolNothingLeaveTheEntryAsItIs() {
        CooldownState existing = new CooldownState(SCOPE, NOW + 5_000, "rate_limited", 1, "r1", true);

        assertThat(policy.next(existing, SCOPE, new FailoverDecision(Action.RELAY, null, null, "bad_request", false), NOW, "r2"))
                .isSameAs(existing);
        assertThat(policy.next(null, SCOPE, new FailoverDecision(Action.STOP, null, null, "client_cancelled", false), NOW, "r2"))
                .isNull();
    }

    @Test
    void hugeHintsDoNotOverflow() {
        CooldownState s = policy.next(null, SCOPE, decision("x", Duration.ofDays(365 * 1000L), false), Long.MAX_VALUE - 10, "r");

        assertThat(s.untilEpochMs()).isEqualTo(Long.MAX_VALUE);
    }
}
