package dev.switchboard.mock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerTest {

    @Test
    void parsesValuesAndFlagsWithEitherSeparator() {
        Answer a = Answer.parse(" tools=3 ; tool=lookup, with-text;empty-args;arg-chunk=2;thinking;cache-read=7;cache-write=9");
        assertThat(a.tools).isEqualTo(3);
        assertThat(a.tool).isEqualTo("lookup");
        assertThat(a.withText).isTrue();
        assertThat(a.emptyArgs).isTrue();
        assertThat(a.argChunk).isEqualTo(2);
        assertThat(a.thinking).isTrue();
        assertThat(a.cacheRead).isEqualTo(7);
        assertThat(a.cacheWrite).isEqualTo(9);
        assertThat(Answer.parse("refusal").refusal).isTrue();
    }

    @Test
    void toolOrEmptyArgsAloneMeanOneToolCall() {
        assertThat(Answer.parse("tool=x").tools).isEqualTo(1);
        assertThat(Answer.parse("empty-args").tools).isEqualTo(1);
        assertThat(Answer.parse("thinking").tools).isZero();
        assertThat(Answer.PLAIN.argChunk).isEqualTo(Answer.DEFAULT_ARG_CHUNK);
    }

    @Test
    void blankIsPlainAndLaterSpecsWin() {
        assertThat(Answer.parse(" ; ").isPlain()).isTrue();
        assertThat(Answer.parse(null).isPlain()).isTrue();
        Answer merged = Answer.parse("tools=2;thinking").overriddenBy(Answer.parse("tools=1"));
        assertThat(merged.tools).isEqualTo(1);
        assertThat(merged.thinking).isTrue();
        assertThat(merged.toString()).isEqualTo("thinking;tools=1");
    }

    @Test
    void rejectsUnknownParametersAndBadValues() {
        assertThatThrownBy(() -> Answer.parse("toolz=2")).hasMessageContaining("unknown answer parameter 'toolz'");
        assertThatThrownBy(() -> Answer.parse("tools=0")).hasMessageContaining("between 1 and 16");
        assertThatThrownBy(() -> Answer.parse("tools")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Answer.parse("thinking=yes")).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> Answer.parse("tool=a b")).hasMessageContaining("tool must be");
        assertThatThrownBy(() -> Answer.parse("refusal;tools=1")).hasMessageContaining("refusal");
    }
}
