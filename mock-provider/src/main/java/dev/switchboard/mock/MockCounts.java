package dev.switchboard.mock;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live request counts of a {@link MockProvider}, by path, model and upstream API key.
 * Every provider-API request is counted (answered, faulted, unauthorised or malformed alike);
 * {@code /health} and {@code /mock/*} are not. A request without a model or key is counted
 * under the empty string.
 *
 * <p>Each counted combination also keeps the last request it saw (headers and body as received), so a
 * test can assert what a relay actually sent upstream ({@link #lastRequest(String)}). Cost: the body
 * buffer and header map the request already had are referenced, not copied, and no object is
 * allocated per request; copies are made when a test asks. Under concurrent requests on one
 * combination the headers and body may come from different requests — tests that assert them send
 * one at a time.
 */
public final class MockCounts {

    /** One counted combination. */
    public record Entry(String path, String model, String apiKey, long count) {
    }

    /**
     * A request as the mock received it.
     *
     * @param headers header names lower-cased, each with its first value
     * @param body    the raw body (UTF-8)
     */
    public record Request(String path, String model, String apiKey, Map<String, String> headers, String body) {
    }

    private record Key(String path, String model, String apiKey) {
    }

    private static final class Slot {
        final LongAdder count = new LongAdder();
        volatile long seq;
        volatile MultiMap headers;
        volatile Buffer body;
    }

    private final ConcurrentHashMap<Key, Slot> counts = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    MockCounts() {
    }

    void record(String path, String model, String apiKey) {
        counts.computeIfAbsent(new Key(path, nonNull(model), nonNull(apiKey)), k -> new Slot()).count.increment();
    }

    /** Counts the request and keeps it as the last one of its combination. */
    void record(String path, String model, String apiKey, MultiMap headers, Buffer body) {
        Slot slot = counts.computeIfAbsent(new Key(path, nonNull(model), nonNull(apiKey)), k -> new Slot());
        slot.count.increment();
        slot.headers = headers;
        slot.body = body;
        slot.seq = seq.incrementAndGet();
    }

    /** The last request that named {@code model} (exactly as sent), on any path and key. */
    public Optional<Request> lastRequest(String model) {
        return lastRequest(null, Objects.requireNonNull(model), null);
    }

    /** The last request matching every non-null argument whose body was read (a parsed chat or embeddings request). */
    public Optional<Request> lastRequest(String path, String model, String apiKey) {
        Key best = null;
        Slot bestSlot = null;
        for (Map.Entry<Key, Slot> e : counts.entrySet()) {
            Key k = e.getKey();
            Slot s = e.getValue();
            if (s.body != null && (path == null || path.equals(k.path)) && (model == null || model.equals(k.model))
                    && (apiKey == null || apiKey.equals(k.apiKey)) && (bestSlot == null || s.seq > bestSlot.seq)) {
                best = k;
                bestSlot = s;
            }
        }
        if (bestSlot == null) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        MultiMap h = bestSlot.headers;
        if (h != null) {
            for (Map.Entry<String, String> e : h) {
                headers.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
            }
        }
        Buffer body = bestSlot.body;
        return Optional.of(new Request(best.path, best.model, best.apiKey, headers, body.toString(StandardCharsets.UTF_8)));
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
        for (Map.Entry<Key, Slot> e : counts.entrySet()) {
            Key k = e.getKey();
            if ((path == null || path.equals(k.path))
                    && (model == null || model.equals(k.model))
                    && (apiKey == null || apiKey.equals(k.apiKey))) {
                sum += e.getValue().count.sum();
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
            long c = v.count.sum();
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
