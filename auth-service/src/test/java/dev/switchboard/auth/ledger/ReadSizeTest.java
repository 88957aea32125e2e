package dev.switchboard.auth.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How much the consumer asks for in its next read. */
class ReadSizeTest {

    @Test
    void aFullReadDoublesTheNextOneUpToTheMaximum() {
        assertThat(LedgerConsumer.nextReadSize(1000, 1000, 1000, 8000)).isEqualTo(2000);
        assertThat(LedgerConsumer.nextReadSize(4000, 4000, 1000, 8000)).isEqualTo(8000);
        assertThat(LedgerConsumer.nextReadSize(8000, 8000, 1000, 8000)).isEqualTo(8000);
    }

    @Test
    void aReadThatIsNotFullGoesBackToTheBatchSize() {
        assertThat(LedgerConsumer.nextReadSize(8000, 7999, 1000, 8000)).isEqualTo(1000);
        assertThat(LedgerConsumer.nextReadSize(1000, 0, 1000, 8000)).isEqualTo(1000);
    }

    @Test
    void aMaximumBelowTheBatchSizeNeverShrinksTheRead() {
        assertThat(LedgerConsumer.nextReadSize(1000, 1000, 1000, 10)).isEqualTo(1000);
    }

    @Test
    void aPartialReadWaitsOutTheLingerSoTheNextReadGathersMore() {
        assertThat(LedgerConsumer.lingerMs(1000, 40, 30, 100)).isEqualTo(70);
        assertThat(LedgerConsumer.lingerMs(1000, 1, 0, 100)).isEqualTo(100);
        assertThat(LedgerConsumer.lingerMs(1000, 40, 150, 100)).as("the batch took longer than the linger").isZero();
    }

    @Test
    void aFullReadAnEmptyOneOrNoLingerDoNotWait() {
        assertThat(LedgerConsumer.lingerMs(1000, 1000, 0, 100)).as("behind: read again at once").isZero();
        assertThat(LedgerConsumer.lingerMs(1000, 0, 0, 100)).as("the read blocked already").isZero();
        assertThat(LedgerConsumer.lingerMs(1000, 40, 0, 0)).isZero();
    }
}
