package dev.switchboard.contracts.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatternTableTest {

    @Test
    void exactBeatsWildcard() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("gpt-4o*", "wild")
                .add("gpt-4o", "exact")
                .build();
        assertThat(t.match("gpt-4o")).contains("exact");
        assertThat(t.match("GPT-4O")).contains("exact");
        assertThat(t.match("gpt-4o-mini")).contains("wild");
    }

    @Test
    void longerLiteralPrefixBeatsShorter() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("claude-*", -100, 0, "short")
                .add("claude-sonnet-*", 100, 1, "long")
                .build();
        assertThat(t.match("claude-sonnet-4")).contains("long");
        assertThat(t.match("claude-opus-4")).contains("short");
    }

    @Test
    void fewerWildcardsBeatMoreWithTheSamePrefix() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("gpt-*-*", "two")
                .add("gpt-*", "one")
                .build();
        assertThat(t.match("gpt-4o-mini")).contains("one");
    }

    @Test
    void lowerPriorityNumberWinsThenCreationOrder() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("*mini", 5, 1, "p5")
                .add("*mini", 1, 2, "p1-late")
                .add("*mini", 1, 3, "p1-later")
                .build();
        assertThat(t.match("gpt-4o-mini")).contains("p1-late");
        assertThat(t.matchAll("gpt-4o-mini")).containsExactly("p1-late", "p1-later", "p5");
    }

    @Test
    void creationOrderBreaksTheLastTie() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("*sonnet*", 0, 7, "second")
                .add("*sonnet*", 0, 3, "first")
                .build();
        assertThat(t.match("claude-sonnet-4")).contains("first");
    }

    @Test
    void noMatchIsEmpty() {
        PatternTable<String> t = PatternTable.<String>builder().add("claude-*", "c").build();
        assertThat(t.match("xclaude-opus")).isEmpty();
        assertThat(t.match(null)).isEmpty();
        assertThat(PatternTable.<String>empty().match("x")).isEmpty();
    }

    @Test
    void matchAllListsEveryMatchBestFirst() {
        PatternTable<String> t = PatternTable.<String>builder()
                .add("*", "any")
                .add("claude-*", "claude")
                .add("claude-sonnet-4", "exact")
                .add("*-4", "suffix")
                .build();
        // "*" and "*-4" tie on prefix (0) and wildcards (1): creation order decides.
        assertThat(t.matchAll("claude-sonnet-4")).containsExactly("exact", "claude", "any", "suffix");
    }

    @Test
    void invalidPatternIsRefusedWhenBuilding() {
        assertThatThrownBy(() -> PatternTable.<String>builder().add(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agreesWithALinearScanOnRandomTables() {
        Random random = new Random(42);
        String[] words = {"gpt", "4o", "mini", "claude", "sonnet", "4", "5", "opus", "x"};
        for (int round = 0; round < 200; round++) {
            List<Object[]> raw = new ArrayList<>();
            PatternTable.Builder<Integer> b = PatternTable.builder();
            for (int i = 0; i < 30; i++) {
                String p = randomPattern(random, words);
                int priority = random.nextInt(3);
                b.add(p, priority, i, i);
                raw.add(new Object[] {ModelPattern.compile(p), priority, (long) i});
            }
            PatternTable<Integer> t = b.build();
            for (int q = 0; q < 30; q++) {
                String name = randomName(random, words);
                assertThat(t.match(name)).as("name %s", name).isEqualTo(scan(raw, name));
            }
        }
    }

    private static Optional<Integer> scan(List<Object[]> raw, String name) {
        Object[] best = null;
        for (Object[] r : raw) {
            ModelPattern p = (ModelPattern) r[0];
            if (!p.matches(name)) {
                continue;
            }
            if (best == null || better(r, best)) {
                best = r;
            }
        }
        return best == null ? Optional.empty() : Optional.of((int) (long) (Long) best[2]);
    }

    private static boolean better(Object[] a, Object[] b) {
        ModelPattern pa = (ModelPattern) a[0];
        ModelPattern pb = (ModelPattern) b[0];
        if (pa.isExact() != pb.isExact()) {
            return pa.isExact();
        }
        if (pa.literalPrefixLength() != pb.literalPrefixLength()) {
            return pa.literalPrefixLength() > pb.literalPrefixLength();
        }
        if (pa.wildcardCount() != pb.wildcardCount()) {
            return pa.wildcardCount() < pb.wildcardCount();
        }
        if ((int) a[1] != (int) b[1]) {
            return (int) a[1] < (int) b[1];
        }
        return (long) a[2] < (long) b[2];
    }

    private static String randomName(Random r, String[] words) {
        StringBuilder sb = new StringBuilder(words[r.nextInt(words.length)]);
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append('-').append(words[r.nextInt(words.length)]);
        }
        return r.nextBoolean() ? sb.toString() : sb.toString().toUpperCase();
    }

    private static String randomPattern(Random r, String[] words) {
        String name = randomName(r, words);
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            int roll = r.nextInt(10);
            if (roll == 0) {
                sb.append('*');
            } else if (roll == 1) {
                sb.append('*').append(c);
            } else {
                sb.append(c);
            }
        }
        if (r.nextInt(4) == 0) {
            sb.append('*');
        }
        return sb.toString();
    }
}
