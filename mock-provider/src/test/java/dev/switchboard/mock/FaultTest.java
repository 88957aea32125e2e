package dev.switchboard.mock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultTest {

    @Test
    void parsesValuesAndFlagsWithEitherSeparator() {
        Fault f = Fault.parse(" status=429 ; retry-after=30, ttfb=5;chunk-delay=7;cut-after=3;hang;malformed;inband-error;"
                + "remaining=0;remaining-tokens=9;code=insufficient_quota");
        assertThat(f.status).isEqualTo(429);
        assertThat(f.retryAfter).isEqualTo(30);
        assertThat(f.ttfbMs).isEqualTo(5);
        assertThat(f.chunkDelayMs).isEqualTo(7);
        assertThat(f.cutAfter).isEqualTo(3);
        assertThat(f.hang).isTrue();
        assertThat(f.malformed).isTrue();
        assertThat(f.inbandError).isTrue();
        assertThat(f.remainingRequests).isZero();
        assertThat(f.remainingTokens).isEqualTo(9);
        assertThat(f.code).isEqualTo("insufficient_quota");
    }

    @Test
    void blankMeansNoFault() {
        assertThat(Fault.parse("").isNone()).isTrue();
        assertThat(Fault.parse(null).isNone()).isTrue();
        assertThat(Fault.parse(" ; ").isNone()).isTrue();
        assertThat(Fault.NONE.cutAfter).isEqualTo(-1);
        assertThat(Fault.NONE.retryAfter).isNull();
    }

    @Test
    void rejectsUnknownParametersAndBadValues() {
        assertThatThrownBy(() -> Fault.parse("statuss=500")).hasMessageContaining("unknown fault parameter 'statuss'");
        assertThatThrownBy(() -> Fault.parse("status=200")).hasMessageContaining("between 400 and 599");
        assertThatThrownBy(() -> Fault.parse("status")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Fault.parse("ttfb=-1")).hasMessageContaining("ttfb");
        assertThatThrownBy(() -> Fault.parse("ttfb=99999999")).hasMessageContaining("ttfb");
        assertThatThrownBy(() -> Fault.parse("hang=5")).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> Fault.parse("code=<script>")).hasMessageContaining("code");
    }

    @Test
    void retryAfterNoneSuppressesTheHeader() {
        assertThat(Fault.parse("retry-after=none").retryAfter).isEqualTo(-1);
    }

    @Test
    void laterSourceWinsOnAClashAndKeepsTheRest() {
        Fault merged = Fault.parse("status=429;retry-after=30").overriddenBy(Fault.parse("status=503;ttfb=10"));
        assertThat(merged.status).isEqualTo(503);
        assertThat(merged.retryAfter).isEqualTo(30);
        assertThat(merged.ttfbMs).isEqualTo(10);
        assertThat(merged.toString()).isEqualTo("status=503;retry-after=30;ttfb=10");
    }

    @Test
    void parsesTheFailoverFaults() {
        Fault f = Fault.parse("first-token=900;stall-after=4;stall=1500;bad-event=2;no-sentinel;reset;no-prefill;flap=60000");
        assertThat(f.firstTokenMs).isEqualTo(900);
        assertThat(f.stallAfter).isEqualTo(4);
        assertThat(f.stallMs).isEqualTo(1500);
        assertThat(f.badEventAt).isEqualTo(2);
        assertThat(f.noSentinel).isTrue();
        assertThat(f.reset).isTrue();
        assertThat(f.noPrefill).isTrue();
        assertThat(f.flapMs).isEqualTo(60_000);
        assertThat(Fault.parse("stall-after=1").stallMs).isEqualTo(Fault.DEFAULT_STALL_MS);
        assertThat(Fault.NONE.stallAfter).isEqualTo(-1);
        assertThat(Fault.NONE.badEventAt).isEqualTo(-1);
        assertThat(Fault.parse("error-after=3").errorAfter).isEqualTo(3);
        assertThat(Fault.NONE.errorAfter).isEqualTo(-1);
    }

    @Test
    void stallNeedsStallAfterAndFlapAPositiveWindow() {
        assertThatThrownBy(() -> Fault.parse("stall=100")).hasMessageContaining("stall-after");
        assertThatThrownBy(() -> Fault.parse("flap=0")).hasMessageContaining("flap");
    }

    @Test
    void aFlapIsAStatusWhileDownAndNothingAfterwards() {
        Fault flap = Fault.parse("flap=1000;chunk-delay=5");
        assertThat(flap.flapped(true).status).isEqualTo(503);
        assertThat(flap.flapped(true).flapMs).isZero();
        assertThat(flap.flapped(false).status).isZero();
        assertThat(flap.flapped(false).chunkDelayMs).isEqualTo(5);
        assertThat(Fault.parse("flap=1000;status=529;retry-after=2").flapped(true).retryAfter).isEqualTo(2);
        assertThat(Fault.parse("flap=1000;status=529").flapped(false).isNone()).isTrue();
    }
}
