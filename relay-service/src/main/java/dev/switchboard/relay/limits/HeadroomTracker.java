package dev.switchboard.relay.limits;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.relay.routing.HeadroomView;
import dev.switchboard.relay.routing.RateLimits;
import dev.switchboard.relay.store.LimitStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Remaining capacity of each upstream key, for the quota_aware strategy. Two sources, per dimension
 * (requests, tokens):
 * <ol>
 * <li>the upstream's own rate-limit headers from the latest response ({@code x-ratelimit-*} of OpenAI,
 * {@code anthropic-ratelimit-*}), valid until their reset time; a key reported exhausted has no headroom
 * until then;</li>
 * <li>otherwise the catalog's rpm/tpm against the live usage of the key counted by every replica in
 * Redis (per-minute counters, sliding-window estimate).</li>
 * </ol>
 * {@link #headroom} is the smallest known fraction, 1.0 when nothing is known. It only reads memory;
 * Redis is written and read back by a periodic flush, never on the request path.
 */
// @Singleton, not @ApplicationScoped: called on every request, and a client proxy costs a context lookup per call
@Singleton
public class HeadroomTracker implements HeadroomView {

    private static final Logger LOG = Logger.getLogger(HeadroomTracker.class);
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private final LimitStore store;
    private final LongSupplier clock;
    private final long exhaustedDefaultMs;
    private final Map<Long, KeyState> keys = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final long flushTimer;

    @Inject
    public HeadroomTracker(LimitStore store, LimitsConfig config, Vertx vertx) {
        this(store, config, vertx, System::currentTimeMillis);
    }

    /** For tests: explicit clock; a null vertx disables the periodic flush. */
    public HeadroomTracker(LimitStore store, LimitsConfig config, Vertx vertx, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        this.exhaustedDefaultMs = config.headroomExhaustedDefault().toMillis();
        this.vertx = vertx;
        this.flushTimer = vertx == null ? -1
                : vertx.setPeriodic(Math.max(50, config.headroomFlushInterval().toMillis()), id -> flush());
    }

    @PreDestroy
    void stop() {
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
    }

    /** A request is about to be sent with this key. */
    public void onRequest(ProviderKeySnapshot key) {
        if (key != null) {
            state(key).addRequest(clock.getAsLong());
        }
    }

    /** Tokens used by a finished request on this key (prompt + completion). */
    public void onTokens(ProviderKeySnapshot key, long tokens) {
        if (key != null && tokens > 0) {
            state(key).addTokens(clock.getAsLong(), tokens);
        }
    }

    /** Rate-limit headers of an upstream response (names lower case), in either protocol's naming. */
    public void observe(ProviderKeySnapshot key, Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return;
        }
        observe(key, new RateLimits(first(headers, "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining"),
                first(headers, "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit"),
                first(headers, "x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset"),
                first(headers, "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining",
                        "anthropic-ratelimit-input-tokens-remaining"),
                first(headers, "x-ratelimit-limit-tokens", "anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-input-tokens-limit"),
                first(headers, "x-ratelimit-reset-tokens", "anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-input-tokens-reset")));
    }

    /** An upstream response's rate limits, as its dialect read them. */
    public void observe(ProviderKeySnapshot key, RateLimits limits) {
        if (key == null || limits == null || limits.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        KeyState s = state(key);
        s.requests.observe(now, limits.requestsRemaining(), limits.requestsLimit(), limits.requestsReset(), s.sentTotal());
        s.tokens.observe(now, limits.tokensRemaining(), limits.tokensLimit(), limits.tokensReset(), -1);
    }

    @Override
    public double headroom(long providerKeyId) {
        KeyState s = keys.get(providerKeyId);
        if (s == null) {
            return 1.0;
        }
        long now = clock.getAsLong();
        double requests = s.requests.fraction(now, s.sentTotal());
        if (Double.isNaN(requests) && s.rpm != null && s.rpm > 0) {
            requests = 1.0 - s.liveRequests(now) / s.rpm;
        }
        double tokens = s.tokens.fraction(now, -1);
        if (Double.isNaN(tokens) && s.tpm != null && s.tpm > 0) {
            tokens = 1.0 - s.liveTokens(now) / s.tpm;
        }
        double h = 1.0;
        if (!Double.isNaN(requests)) {
            h = Math.min(h, requests);
        }
        if (!Double.isNaN(tokens)) {
            h = Math.min(h, tokens);
        }
        return Math.max(0.0, Math.min(1.0, h));
    }

    /** Pushes local usage to Redis and reads back the cluster-wide counts (one pipelined round trip). */
    void flush() {
        flushNow().subscribe().with(v -> { }, e -> LOG.debugf("upstream usage flush failed: %s", e.getClass().getSimpleName()));
    }

    /** {@link #flush} that completes when Redis has answered (tests, shutdown). */
    public Uni<Void> flushNow() {
        long now = clock.getAsLong();
        long minute = now / 60_000;
        Map<Long, long[]> deltas = new HashMap<>();
        keys.forEach((id, s) -> {
            if (now - s.lastActivityMs < 120_000) {
                deltas.put(id, s.drainPending());
            }
        });
        if (deltas.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.flushUpstreamUsage(deltas, minute).invoke(counts -> counts.forEach((id, c) -> {
            KeyState s = keys.get(id);
            if (s != null) {
                s.cluster(minute, c);
            }
        })).onFailure().invoke(e -> deltas.forEach((id, d) -> {
            KeyState s = keys.get(id);
            if (s != null) {
                s.restorePending(d);
            }
        })).replaceWithVoid();
    }

    private KeyState state(ProviderKeySnapshot key) {
        KeyState s = keys.computeIfAbsent(key.id(), id -> new KeyState());
        s.rpm = key.rpm() == null ? null : key.rpm().doubleValue();
        s.tpm = key.tpm() == null ? null : key.tpm().doubleValue();
        return s;
    }

    private static String first(Map<String, String> headers, String... names) {
        for (String n : names) {
            String v = headers.get(n);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /** Reset time in epoch ms from an RFC 3339 instant, a number of seconds or a Go duration ("6m0s", "20ms"). */
    static Long parseReset(String value, long nowMs) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        // pick the form by shape first: a failed parse throws, and exceptions on every response are costly
        if (value.indexOf('T') > 0) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
        if (isNumber(value)) {
            try {
                return nowMs + Math.round(Double.parseDouble(value) * 1000);
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        Long fast = simpleDuration(value);
        if (fast != null) {
            return nowMs + fast;
        }
        Matcher m = GO_DURATION.matcher(value);
        double ms = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            double n = Double.parseDouble(m.group(1));
            ms += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1000;
                case "ms" -> n;
                case "us", "µs" -> n / 1000;
                default -> n / 1_000_000;
            };
        }
        return end == value.length() && end > 0 ? nowMs + Math.round(ms) : null;
    }

    private static boolean isNumber(String v) {
        boolean digit = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && !(i == 0 && (c == '-' || c == '+'))) {
                return false;
            }
        }
        return digit;
    }

    /** Milliseconds of the common one-unit Go durations ("1s", "20ms", "6m"), or null to use the general parser. */
    private static Long simpleDuration(String v) {
        int i = 0;
        long n = 0;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9' && i < 15) {
            n = n * 10 + (v.charAt(i) - '0');
            i++;
        }
        if (i == 0) {
            return null;
        }
        String unit = v.substring(i);
        return switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> null;
        };
    }

    private static Double number(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What the upstream last said about one dimension. */
    private final class Reported {
        private double remaining = Double.NaN;
        private double limit = Double.NaN;
        private long validUntilMs;
        private long sentAtObserve;

        synchronized void observe(long now, String remainingHeader, String limitHeader, String resetHeader, long sentTotal) {
            Double rem = number(remainingHeader);
            if (rem == null) {
                return;
            }
            Double lim = number(limitHeader);
            if (lim != null && lim > 0) {
                limit = lim;
            }
            remaining = rem;
            Long reset = parseReset(resetHeader, now);
            validUntilMs = reset != null && reset > now ? reset : now + exhaustedDefaultMs;
            sentAtObserve = sentTotal;
        }

        /** NaN when nothing valid is known. */
        synchronized double fraction(long now, long sentTotal) {
            if (Double.isNaN(remaining) || now >= validUntilMs) {
                return Double.NaN;
            }
            if (remaining <= 0) {
                return 0.0;
            }
            if (Double.isNaN(limit)) {
                return Double.NaN;
            }
            double used = sentTotal >= 0 ? sentTotal - sentAtObserve : 0; // requests sent since the report
            return (remaining - used) / limit;
        }
    }

    /** Live usage of one key: local per-minute counts plus the last cluster-wide read-back. */
    private final class KeyState {
        volatile Double rpm;
        volatile Double tpm;
        final Reported requests = new Reported();
        final Reported tokens = new Reported();
        volatile long lastActivityMs;
        private long minute = -1;
        private long reqCur;
        private long reqPrev;
        private long tokCur;
        private long tokPrev;
        private long sent;
        private long pendingReq;
        private long pendingTok;
        private long clusterMinute = -1;
        private long[] cluster = new long[4];

        synchronized void addRequest(long now) {
            roll(now);
            reqCur++;
            sent++;
            pendingReq++;
            lastActivityMs = now;
        }

        synchronized void addTokens(long now, long n) {
            roll(now);
            tokCur += n;
            pendingTok += n;
            lastActivityMs = now;
        }

        synchronized long sentTotal() {
            return sent;
        }

        synchronized long[] drainPending() {
            long[] d = {pendingReq, pendingTok};
            pendingReq = 0;
            pendingTok = 0;
            return d;
        }

        synchronized void restorePending(long[] d) {
            pendingReq += d[0];
            pendingTok += d[1];
        }

        synchronized void cluster(long minute, long[] counts) {
            clusterMinute = minute;
            cluster = counts;
        }

        synchronized double liveRequests(long now) {
            roll(now);
            return estimate(now, reqCur, reqPrev, 0, 1, pendingReq);
        }

        synchronized double liveTokens(long now) {
            roll(now);
            return estimate(now, tokCur, tokPrev, 2, 3, pendingTok);
        }

        /** Sliding-window estimate: previous minute weighted by the part still inside the window, plus this minute. */
        private double estimate(long now, long localCur, long localPrev, int curIdx, int prevIdx, long pending) {
            long m = now / 60_000;
            long cur = localCur;
            long prev = localPrev;
            if (clusterMinute == m) {
                cur = Math.max(cur, cluster[curIdx] + pending);
                prev = Math.max(prev, cluster[prevIdx]);
            } else if (clusterMinute == m - 1) {
                prev = Math.max(prev, cluster[curIdx]);
            }
            double elapsed = (now % 60_000) / 60_000.0;
            return prev * (1.0 - elapsed) + cur;
        }

        private void roll(long now) {
            long m = now / 60_000;
            if (m == minute) {
                return;
            }
            if (m == minute + 1) {
                reqPrev = reqCur;
                tokPrev = tokCur;
            } else {
                reqPrev = 0;
                tokPrev = 0;
            }
            reqCur = 0;
            tokCur = 0;
            minute = m;
        }
    }
}
