package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void capsTheNumberOfAttempts() {
        RetryBudget b = new RetryBudget(4, 10_000);
        int granted = 0;
        for (int i = 0; i < 6; i++) {
            if (b.tryAcquire(100)) {
                granted++;
            }
        }

        assertThat(granted).isEqualTo(4);
        assertThat(b.used()).isEqualTo(4);
    }

    @Test
    void refusesAfterTheDeadlineWithoutTakingAnAttempt() {
        RetryBudget b = new RetryBudget(4, 10_000);

        assertThat(b.tryAcquire(9_999)).isTrue();
        assertThat(b.tryAcquire(10_000)).isFalse();
        assertThat(b.used()).isEqualTo(1);
        assertThat(b.remainingMs(9_000)).isEqualTo(1_000);
        assertThat(b.remainingMs(20_000)).isZero();
    }
}
