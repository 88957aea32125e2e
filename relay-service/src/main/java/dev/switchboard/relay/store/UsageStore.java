package dev.switchboard.relay.store;

import dev.switchboard.contracts.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis side of usage accounting: spend counters, the user's unsettled spend and the {@code sb:usage}
 * stream, written for many finished requests at once by one Lua script per {@link Batch} (atomic, and
 * a no-op when the same batch is sent again); and the reads behind {@code GET /v1/usage}.
 *
 * <p>Unsettled spend of a user ({@code RedisKeys.userSpend}) is a hash: one field per request id holding
 * its cost in micro-USD, plus {@link LimitStore#UNSETTLED_TOTAL} holding their sum. The relay adds a
 * field with {@link #RECORD_UNSETTLED}; the ledger, once the request is in the ledger and the balance
 * is decremented, runs {@link #SETTLE} for the same request id. Both are idempotent per request id, so
 * duplicate deliveries and retries neither double-count nor double-settle.
 */
// @Singleton, not @ApplicationScoped: called on every request, and a client proxy costs a context lookup per call
@Singleton
public class UsageStore {

    /** Adds a request's unsettled spend once (shared with auth-service's ledger). */
    public static final String RECORD_UNSETTLED = dev.switchboard.contracts.RedisScripts.RECORD_UNSETTLED;

    /** Removes a request's unsettled spend once: what the ledger runs after the debit is committed. */
    public static final String SETTLE = dev.switchboard.contracts.RedisScripts.SETTLE_UNSETTLED;

    private final Redis redis;

    public UsageStore(Redis redis) {
        this.redis = redis;
    }

    /** A spend counter and the epoch second at which it expires. */
    public record Counter(String key, long expireAtEpochSeconds) {
    }

    /** Spend counter of a user for a period (same period ids as the group counters). */
    public static String userPeriodSpend(long userId, String period) {
        return RedisKeys.userPeriodSpend(userId, period);
    }

    /** Finished requests of a tenant key in one clock minute (epoch minute). */
    public static String minuteRequests(long apiKeyId, long epochMinute) {
        return RedisKeys.minuteRequests(apiKeyId, epochMinute);
    }

    /*
     * One batch of finished requests, applied atomically by one script run.
     * KEYS[1] batch marker, KEYS[2] usage stream, then c spend counters, m minute counters, u unsettled hashes,
     * r reservation sets, each followed by its total.
     * ARGV[1] marker ttl s, ARGV[2] stream MAXLEN, ARGV[3] unsettled ttl ms, ARGV[4] name of the total field,
     * ARGV[5..9] c, m, u, e, r; then per counter: delta, expire-at (epoch s); per minute counter: delta;
     * per unsettled entry: request id, micro-USD; per event: its JSON; per reservation: its member.
     * A request's reservation leaves in the same script that adds its cost (LimitStore.RELEASE_LUA), so no
     * admission in between sees neither.
     * The marker makes a retried batch (reply lost after the script ran) a no-op: returns 0 then, else 1.
     * The unsettled part is RedisScripts.RECORD_UNSETTLED per entry (HSETNX, idempotent per request id).
     */
    static final String BATCH_SCRIPT = LimitStore.RELEASE_LUA + """
            if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
            local c, m, u, e = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
            local r = tonumber(ARGV[9])
            local a, k = 10, 3
            for i = 1, c do
              redis.call('INCRBY', KEYS[k], ARGV[a])
              redis.call('EXPIREAT', KEYS[k], ARGV[a + 1])
              k = k + 1
              a = a + 2
            end
            for i = 1, m do
              redis.call('INCRBY', KEYS[k], ARGV[a])
              redis.call('EXPIRE', KEYS[k], 120)
              k = k + 1
              a = a + 1
            end
            for i = 1, u do
              if redis.call('HSETNX', KEYS[k], ARGV[a], ARGV[a + 1]) == 1 then
                redis.call('HINCRBY', KEYS[k], ARGV[4], ARGV[a + 1])
              end
              redis.call('PEXPIRE', KEYS[k], ARGV[3])
              k = k + 1
              a = a + 2
            end
            for i = 1, e do
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[a])
              a = a + 1
            end
            for i = 1, r do
              release(KEYS[k], KEYS[k + 1], ARGV[a])
              k = k + 2
              a = a + 1
            end
            return 1
            """;

    private static final String BATCH_SHA = LimitStore.sha1(BATCH_SCRIPT);
    private static final String MARKER_PREFIX = "sb:usage:batch:";

    /**
     * A batch under construction and, once {@link #seal sealed}, the exact script call that writes it.
     * Spend and minute counters are summed per key inside the batch (a busy group's counter is one
     * INCRBY per batch, not one per request). A sealed batch is immutable and re-sent unchanged on retry,
     * under the same batch id, so the script can recognise it.
     */
    public static final class Batch {
        private final Map<String, long[]> counters = new LinkedHashMap<>();
        private final Map<String, long[]> minutes = new LinkedHashMap<>();
        private final List<String> unsettledKeys = new ArrayList<>();
        private final List<String> unsettledArgs = new ArrayList<>();
        private final List<String> events = new ArrayList<>();
        private final List<String> reservationKeys = new ArrayList<>();
        private final List<String> reservationMembers = new ArrayList<>();
        private final List<String> usageIds = new ArrayList<>();
        private final List<String> requestIds = new ArrayList<>();
        private String id;
        private Request request;
        private Request fallback;

        /** Adds {@code delta} to a spend counter that expires at the given epoch second. */
        public Batch counter(String key, long delta, long expireAtEpochSeconds) {
            long[] c = counters.computeIfAbsent(key, k -> new long[2]);
            c[0] += delta;
            c[1] = Math.max(c[1], expireAtEpochSeconds);
            return this;
        }

        /** Counts one finished request in a key's minute counter ({@link #minuteRequests}). */
        public Batch minute(String key) {
            minutes.computeIfAbsent(key, k -> new long[1])[0]++;
            return this;
        }

        /** Adds a request's unsettled spend of a metered user (once per request id, even across batches). */
        public Batch unsettled(long userId, String requestId, long micros) {
            unsettledKeys.add(RedisKeys.userSpend(userId));
            unsettledArgs.add(requestId);
            unsettledArgs.add(Long.toString(micros));
            return this;
        }

        /** Removes a finished request's reservation from one reservation set. */
        public Batch release(String reservationKey, String member) {
            reservationKeys.add(reservationKey);
            reservationKeys.add(RedisKeys.reservationTotal(reservationKey));
            reservationMembers.add(member);
            return this;
        }

        /** Appends one usage event (its JSON) to the stream. */
        public Batch event(String usageId, String requestId, String json) {
            usageIds.add(usageId);
            requestIds.add(requestId);
            events.add(json);
            return this;
        }

        /** Requests in this batch. */
        public int size() {
            return usageIds.size();
        }

        /** Usage ids in this batch, in order (diagnostics, tests). */
        public List<String> usageIds() {
            return usageIds;
        }

        /** The clients' request ids of this batch's events, in order (diagnostics, tests). */
        public List<String> requestIds() {
            return requestIds;
        }

        /** The batch id the script dedupes on; null until sealed. */
        public String id() {
            return id;
        }

        /** Freezes the batch into its script call. */
        public Batch seal(String batchId, long markerTtlSeconds, long streamMaxLen, long unsettledTtlMs) {
            if (request != null) {
                return this;
            }
            id = batchId;
            int nKeys = 2 + counters.size() + minutes.size() + unsettledKeys.size() + reservationKeys.size();
            List<String> keys = new ArrayList<>(nKeys);
            keys.add(MARKER_PREFIX + batchId);
            keys.add(RedisKeys.USAGE_STREAM);
            List<String> args = new ArrayList<>(9 + 2 * counters.size() + minutes.size() + unsettledArgs.size() + events.size()
                    + reservationMembers.size());
            args.add(Long.toString(markerTtlSeconds));
            args.add(Long.toString(streamMaxLen));
            args.add(Long.toString(unsettledTtlMs));
            args.add(LimitStore.UNSETTLED_TOTAL);
            args.add(Integer.toString(counters.size()));
            args.add(Integer.toString(minutes.size()));
            args.add(Integer.toString(unsettledKeys.size()));
            args.add(Integer.toString(events.size()));
            args.add(Integer.toString(reservationMembers.size()));
            counters.forEach((k, v) -> {
                keys.add(k);
                args.add(Long.toString(v[0]));
                args.add(Long.toString(v[1]));
            });
            minutes.forEach((k, v) -> {
                keys.add(k);
                args.add(Long.toString(v[0]));
            });
            keys.addAll(unsettledKeys);
            keys.addAll(reservationKeys);
            args.addAll(unsettledArgs);
            args.addAll(events);
            args.addAll(reservationMembers);
            request = eval(Command.EVALSHA, BATCH_SHA, keys, args);
            fallback = eval(Command.EVAL, BATCH_SCRIPT, keys, args);
            counters.clear();
            minutes.clear();
            unsettledKeys.clear();
            unsettledArgs.clear();
            events.clear();
            reservationKeys.clear();
            reservationMembers.clear();
            return this;
        }

        private static Request eval(Command command, String scriptOrSha, List<String> keys, List<String> args) {
            Request r = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
            for (String k : keys) {
                r.arg(k);
            }
            for (String a : args) {
                r.arg(a);
            }
            return r;
        }
    }

    /**
     * Writes a sealed batch in one round trip (EVALSHA, EVAL once if Redis lost the script).
     *
     * @return true when applied now, false when this batch id was applied before (a retry after a lost reply)
     */
    public Uni<Boolean> write(Batch batch) {
        if (batch.request == null) {
            throw new IllegalStateException("batch not sealed");
        }
        return redis.send(batch.request)
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(e -> redis.send(batch.fallback))
                .map(r -> r != null && r.toInteger() == 1);
    }

    /** Settles one request's unsettled spend (what the ledger does); returns the micro-USD removed, 0 when none. */
    public Uni<Long> settle(long userId, String requestId) {
        return redis.send(Request.cmd(Command.EVAL).arg(SETTLE).arg(1).arg(RedisKeys.userSpend(userId)).arg(requestId))
                .map(r -> r == null ? 0L : r.toLong());
    }

    /** What {@code GET /v1/usage} shows, read in one pipeline. */
    public record Snapshot(List<Long> counters, long requestsInWindow, long liveLeases, long unsettledMicros) {
    }

    /**
     * @param counters spend counter keys to read (absent = 0)
     */
    public Uni<Snapshot> snapshot(List<String> counters, long apiKeyId, long userId, long nowMs, long windowMs) {
        List<Request> batch = new ArrayList<>();
        Request mget = Request.cmd(Command.MGET);
        counters.forEach(mget::arg);
        if (!counters.isEmpty()) {
            batch.add(mget);
        }
        long bucket = Math.floorDiv(nowMs, windowMs);
        batch.add(Request.cmd(Command.MGET).arg(LimitStore.rateBucket(apiKeyId, bucket)).arg(LimitStore.rateBucket(apiKeyId, bucket - 1)));
        batch.add(Request.cmd(Command.ZCOUNT).arg(RedisKeys.concurrency(userId)).arg("(" + nowMs).arg("+inf"));
        batch.add(Request.cmd(Command.HGET).arg(RedisKeys.userSpend(userId)).arg(LimitStore.UNSETTLED_TOTAL));
        return redis.batch(batch).map(replies -> {
            int i = 0;
            List<Long> values = new ArrayList<>(counters.size());
            if (!counters.isEmpty()) {
                Response m = replies.get(i++);
                for (int j = 0; j < m.size(); j++) {
                    values.add(asLong(m.get(j)));
                }
            }
            Response rate = replies.get(i++);
            // what the admission script sees: ceil(estimate) = limit minus the requests still admissible
            long window = (long) Math.ceil(LimitStore.rateEstimate(asLong(rate.get(1)), asLong(rate.get(0)), nowMs, windowMs) - 1e-9);
            long leases = asLong(replies.get(i++));
            long unsettled = asLong(replies.get(i));
            return new Snapshot(values, window, leases, unsettled);
        });
    }

    /** Reads a list of counters (absent = 0). */
    public Uni<List<Long>> counters(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Request mget = Request.cmd(Command.MGET);
        keys.forEach(mget::arg);
        return redis.send(mget).map(m -> {
            List<Long> values = new ArrayList<>(m.size());
            for (int j = 0; j < m.size(); j++) {
                values.add(asLong(m.get(j)));
            }
            return values;
        });
    }

    private static long asLong(Response r) {
        return r == null ? 0L : Long.parseLong(r.toString());
    }
}
