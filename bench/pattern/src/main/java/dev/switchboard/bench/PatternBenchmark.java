package dev.switchboard.bench;

import dev.switchboard.contracts.pattern.ModelPattern;
import dev.switchboard.contracts.pattern.PatternTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching cost of the wildcard matcher and the pattern table.
 *
 * <ul>
 *   <li>{@code pathological*}: 10 000 {@code *a} segments against a 100 000-character name — the
 *       input that makes backtracking matchers (and regexes like {@code (.*a){10000}}) explode.</li>
 *   <li>{@code table*} vs {@code scan*}: best match among 10 000 routes through the trie, against
 *       testing every pattern and keeping the best.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PatternBenchmark {

    private ModelPattern pathological;
    private String longNameMatch;
    private String longNameMiss;
    private PatternTable<Integer> table;
    private List<ModelPattern> patterns;
    private String[] names;
    private int next;

    @Setup
    public void setup() {
        pathological = ModelPattern.compileUnbounded("*a".repeat(10_000) + "*");
        longNameMatch = "a".repeat(100_000);
        longNameMiss = "a".repeat(9_999) + "b".repeat(90_001);

        Random random = new Random(7);
        String[] families = {"gpt", "claude", "gemini", "llama", "mistral", "qwen", "deepseek", "o1", "o3", "grok"};
        PatternTable.Builder<Integer> b = PatternTable.builder();
        patterns = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String family = families[random.nextInt(families.length)];
            String p = switch (i % 4) {
                case 0 -> family + "-" + i + "-*";
                case 1 -> family + "-*-" + i;
                case 2 -> "*-" + family + "-" + i;
                default -> family + "-" + i;
            };
            b.add(p, random.nextInt(5), i, i);
            patterns.add(ModelPattern.compile(p));
        }
        table = b.build();
        names = new String[1024];
        for (int i = 0; i < names.length; i++) {
            String family = families[random.nextInt(families.length)];
            names[i] = family + "-" + random.nextInt(12_000) + "-" + (random.nextBoolean() ? "mini" : "20250101");
        }
    }

    @Benchmark
    public boolean pathologicalMatch() {
        return pathological.matches(longNameMatch);
    }

    @Benchmark
    public boolean pathologicalMiss() {
        return pathological.matches(longNameMiss);
    }

    @Benchmark
    public Object tableMatch() {
        return table.best(names[next++ & 1023]);
    }

    @Benchmark
    public Object scanMatch() {
        String name = names[next++ & 1023];
        ModelPattern best = null;
        for (ModelPattern p : patterns) {
            if (p.matches(name) && (best == null || p.literalPrefixLength() > best.literalPrefixLength())) {
                best = p;
            }
        }
        return best;
    }
}
