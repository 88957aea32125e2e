package dev.switchboard.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live request counts of a {@link MockProvider}, by path, model and upstream API key.
 * Every provider-API request is counted (answered, faulted, unauthorised or malformed alike);
 * {@code /health} and {@code /mock/*} are not. A request without a model or key is counted
 * under the empty string.
 */
public final class MockCounts {

    /** One counted combination. */
    public record Entry(String path, String model, String apiKey, long count) {
    }

    private record Key(String path, String model, String apiKey) {
    }

    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

    MockCounts() {
    }

    void record(String path, String model, String apiKey) {
        counts.computeIfAbsent(new Key(path, nonNull(model), nonNull(apiKey)), k -> new LongAdder()).increment();
    }

    void reset() {
        counts.clear();
    }

    /** All counted requests. */
    public long total() {
        return by(null, null, null);
    }

    /** Requests to one path, e.g. {@code /v1/chat/completions}. */
    public long byPath(String path) {
        return by(Objects.requireNonNull(path), null, null);
    }

    /** Requests naming one model (exactly as sent). */
    public long byModel(String model) {
        return by(null, Objects.requireNonNull(model), null);
    }

    /** Requests carrying one API key. */
    public long byKey(String apiKey) {
        return by(null, null, Objects.requireNonNull(apiKey));
    }

    /** Requests matching every non-null argument. */
    public long by(String path, String model, String apiKey) {
        long sum = 0;
        for (Map.Entry<Key, LongAdder> e : counts.entrySet()) {
            Key k = e.getKey();
            if ((path == null || path.equals(k.path))
                    && (model == null || model.equals(k.model))
                    && (apiKey == null || apiKey.equals(k.apiKey))) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    /**
     * A flat copy: {@code total}, {@code path:<path>}, {@code model:<model>} and {@code key:<key>}
     * entries (sorted by name; models and keys that were absent are left out).
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        long total = 0;
        for (Entry e : entries()) {
            total += e.count();
            out.merge("path:" + e.path(), e.count(), Long::sum);
            if (!e.model().isEmpty()) {
                out.merge("model:" + e.model(), e.count(), Long::sum);
            }
            if (!e.apiKey().isEmpty()) {
                out.merge("key:" + e.apiKey(), e.count(), Long::sum);
            }
        }
        out.put("total", total);
        return out;
    }

    /** Every counted (path, model, key) combination with its count. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        counts.forEach((k, v) -> {
            long c = v.sum();
            if (c > 0) {
                out.add(new Entry(k.path, k.model, k.apiKey, c));
            }
        });
        out.sort(java.util.Comparator.comparing(Entry::path).thenComparing(Entry::model).thenComparing(Entry::apiKey));
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
