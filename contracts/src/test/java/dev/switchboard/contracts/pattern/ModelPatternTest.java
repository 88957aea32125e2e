package dev.switchboard.contracts.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelPatternTest {

    private static boolean m(String pattern, String name) {
        return ModelPattern.compile(pattern).matches(name);
    }

    @Test
    void prefixPatternDoesNotMatchInsideAnotherWord() {
        assertThat(m("claude-*", "xclaude-opus")).isFalse();
        assertThat(m("claude-*", "claude-opus")).isTrue();
    }

    @Test
    void suffixPatternMatchesWholeNameOnly() {
        assertThat(m("*-4-5", "claude-haiku-4-55")).isFalse();
        assertThat(m("*-4-5", "claude-haiku-4-5")).isTrue();
    }

    @Test
    void infixPatternMatchesAnywhere() {
        assertThat(m("*sonnet*", "claude-sonnet-4")).isTrue();
        assertThat(m("*sonnet*", "sonnet")).isTrue();
        assertThat(m("*sonnet*", "claude-opus-4")).isFalse();
    }

    @Test
    void matchingIgnoresCase() {
        assertThat(m("GPT-4o*", "gpt-4o-mini")).isTrue();
        assertThat(m("gpt-4o", "GPT-4O")).isTrue();
    }

    @Test
    void exactPatternNeedsTheWholeName() {
        assertThat(m("gpt-4o", "gpt-4o-mini")).isFalse();
        assertThat(m("gpt-4o", "gpt-4")).isFalse();
    }

    @Test
    void starMatchesEmptyRunAndPrefixSuffixMayNotOverlap() {
        assertThat(m("a*a", "a")).isFalse();
        assertThat(m("a*a", "aa")).isTrue();
        assertThat(m("*", "")).isTrue();
        assertThat(m("**", "anything")).isTrue();
        assertThat(m("a*b*c", "abc")).isTrue();
        assertThat(m("a*b*c", "acb")).isFalse();
        assertThat(m("*ab*ab*", "xabyab")).isTrue();
        assertThat(m("*aab*", "aaab")).isTrue();
    }

    @Test
    void regexMetacharactersAreLiteral() {
        assertThat(m("gpt-4.1", "gpt-4x1")).isFalse();
        assertThat(m("gpt-4.1", "gpt-4.1")).isTrue();
        assertThat(m("(a+)+$", "(a+)+$")).isTrue();
        assertThat(m("a?c", "abc")).isFalse();
    }

    @Test
    void pathologicalPatternAgainstLongNameGivesTheRightAnswer() {
        String pattern = "*a".repeat(120) + "b";
        String name = "a".repeat(200);
        assertThat(ModelPattern.compile(pattern).matches(name)).isFalse();
        assertThat(ModelPattern.compile(pattern).matches(name + "b")).isTrue();
    }

    @Test
    void rejectsEmptyPattern() {
        assertThatThrownBy(() -> ModelPattern.compile("")).hasMessage("pattern is empty");
        assertThatThrownBy(() -> ModelPattern.validate(null)).hasMessage("pattern is empty");
    }

    @Test
    void rejectsWhitespace() {
        assertThatThrownBy(() -> ModelPattern.compile("gpt 4")).hasMessageContaining("whitespace at position 3");
        assertThatThrownBy(() -> ModelPattern.compile("   ")).hasMessageContaining("whitespace");
    }

    @Test
    void rejectsOverlongPattern() {
        assertThatThrownBy(() -> ModelPattern.compile("a".repeat(257)))
                .hasMessageContaining("257 characters").hasMessageContaining("limit is 256");
        assertThat(ModelPattern.compile("a".repeat(256)).matches("A".repeat(256))).isTrue();
    }

    @Test
    void rejectsControlCharacters() {
        assertThatThrownBy(() -> ModelPattern.compile("gpt\u0000")).hasMessageContaining("control character at position 3");
        assertThatThrownBy(() -> ModelPattern.compile("gpt\n4")).hasMessageContaining("control character");
    }

    @Test
    void reportsPrefixAndWildcards() {
        ModelPattern p = ModelPattern.compile("Claude-*-4*");
        assertThat(p.literalPrefix()).isEqualTo("claude-");
        assertThat(p.literalPrefixLength()).isEqualTo(7);
        assertThat(p.wildcardCount()).isEqualTo(2);
        assertThat(ModelPattern.compile("gpt-4o").isExact()).isTrue();
    }
}
