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
 * stream, written for many finished requests at once by one Lua script per hash slot of a {@link Batch} and one
 * for the stream (each a no-op when the same batch is sent again); and the reads behind {@code GET /v1/usage}.
 *
 * <p>Unsettled spend of a user ({@code RedisKeys.userSpend}) is a hash: one field per request id holding
 * its cost in micro-USD, plus {@link LimitStore#UNSETTLED_TOTAL} holding their sum. The relay adds a
 * field per request as {@link #RECORD_UNSETTLED} does, a batch's fields of one user at once (SLOT_SCRIPT);
 * the ledger, once the request is in the ledger and the balance is decremented, runs {@link #SETTLE} for
 * the same request id. Both are idempotent per request id, so
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
    public static String minuteRequests(long userId, long apiKeyId, long epochMinute) {
        return RedisKeys.minuteRequests(userId, apiKeyId, epochMinute);
    }

    /*
     * One batch of finished requests is one SLOT_SCRIPT per hash slot it touches (a user's counters, unsettled spend
     * and reservations; a group's counters and reservations), sent in one pipeline, and then, once every one of them
     * has answered, STREAM_SCRIPT appending the events: the ledger never reads an event whose unsettled spend the
     * relay has not recorded yet, and a request's reservation leaves in the same script that adds its cost
     * (LimitStore.RELEASE_LUA), so no admission in between sees neither.
     * Each script first sets its own batch marker in its slot (RedisKeys.batchMarker): a batch sent again (reply
     * lost after a script ran) is a no-op slot by slot.
     *
     * SLOT_SCRIPT: KEYS[1] marker, then c spend counters, m minute counters, u unsettled hashes (each once), r
     * reservation sets, each followed by its total. ARGV[1] marker ttl s, ARGV[2] unsettled ttl ms, ARGV[3] name of
     * the total field, ARGV[4..7] c, m, u, r; then per counter: delta, expire-at (epoch s); per minute counter: delta;
     * per unsettled hash: n, the n entries' sum, then n pairs usage id, micro-USD; per reservation: its member.
     * A hash's entries are one variadic HSET (chunks of 500 pairs, under Lua's unpack limit) and, when all were new,
     * one HINCRBY of the total: per request one field, not two script calls. When some were there already (a batch
     * sent again after its slot marker expired) the total is recomputed from the fields, so it stays their exact sum,
     * as RedisScripts.RECORD_UNSETTLED and SETTLE_UNSETTLED keep it.
     */
    static final String SLOT_SCRIPT = LimitStore.RELEASE_LUA + """
            if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
            local c, m, u, r = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
            local a, k = 8, 2
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
              local n, last = tonumber(ARGV[a]), a + 1 + 2 * tonumber(ARGV[a])
              local added = 0
              for j = a + 2, last, 1000 do
                added = added + redis.call('HSET', KEYS[k], unpack(ARGV, j, math.min(j + 999, last)))
              end
              if added == n then
                redis.call('HINCRBY', KEYS[k], ARGV[3], ARGV[a + 1])
              elseif added > 0 then
                local all, t = redis.call('HGETALL', KEYS[k]), 0
                for x = 1, #all, 2 do
                  if all[x] ~= ARGV[3] then t = t + tonumber(all[x + 1]) end
                end
                redis.call('HSET', KEYS[k], ARGV[3], string.format('%d', t))
              end
              redis.call('PEXPIRE', KEYS[k], ARGV[2])
              k = k + 1
              a = last + 1
            end
            for i = 1, r do
              release(KEYS[k], KEYS[k + 1], ARGV[a])
              k = k + 2
              a = a + 1
            end
            return 1
            """;

    /** STREAM_SCRIPT: KEYS[1] marker, KEYS[2] usage stream. ARGV[1] marker ttl s, ARGV[2] stream MAXLEN, then the events' JSON. */
    static final String STREAM_SCRIPT = """
            if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
            for i = 3, #ARGV do
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[i])
            end
            return 1
            """;

    private static final String SLOT_SHA = LimitStore.sha1(SLOT_SCRIPT);
    private static final String STREAM_SHA = LimitStore.sha1(STREAM_SCRIPT);

    /** The unsettled entries of one user's hash in one batch: usage id, micro-USD pairs and their sum. */
    private static final class Unsettled {
        final List<String> pairs = new ArrayList<>();
        long sum;
    }

    /** What one batch writes into one hash slot. */
    private static final class SlotPart {
        final String anyKey;
        final Map<String, long[]> counters = new LinkedHashMap<>();
        final Map<String, long[]> minutes = new LinkedHashMap<>();
        final Map<String, Unsettled> unsettled = new LinkedHashMap<>();
        final List<String> reservationKeys = new ArrayList<>();
        final List<String> reservationMembers = new ArrayList<>();

        SlotPart(String anyKey) {
            this.anyKey = anyKey;
        }

        List<String> keys(String batchId) {
            List<String> keys = new ArrayList<>(1 + counters.size() + minutes.size() + unsettled.size() + reservationKeys.size());
            keys.add(RedisKeys.batchMarker(anyKey, batchId));
            keys.addAll(counters.keySet());
            keys.addAll(minutes.keySet());
            keys.addAll(unsettled.keySet());
            keys.addAll(reservationKeys);
            return keys;
        }

        List<String> args(long markerTtlSeconds, long unsettledTtlMs) {
            int entries = 0;
            for (Unsettled u : unsettled.values()) {
                entries += 2 + u.pairs.size();
            }
            List<String> args = new ArrayList<>(7 + 2 * counters.size() + minutes.size() + entries + reservationMembers.size());
            args.add(Long.toString(markerTtlSeconds));
            args.add(Long.toString(unsettledTtlMs));
            args.add(LimitStore.UNSETTLED_TOTAL);
            args.add(Integer.toString(counters.size()));
            args.add(Integer.toString(minutes.size()));
            args.add(Integer.toString(unsettled.size()));
            args.add(Integer.toString(reservationMembers.size()));
            counters.values().forEach(v -> {
                args.add(Long.toString(v[0]));
                args.add(Long.toString(v[1]));
            });
            minutes.values().forEach(v -> args.add(Long.toString(v[0])));
            unsettled.values().forEach(u -> {
                args.add(Integer.toString(u.pairs.size() / 2));
                args.add(Long.toString(u.sum));
                args.addAll(u.pairs);
            });
            args.addAll(reservationMembers);
            return args;
        }
    }

    /**
     * A batch under construction and, once {@link #seal sealed}, the exact script calls that write it.
     * Spend and minute counters are summed per key inside the batch (a busy group's counter is one
     * INCRBY per batch, not one per request). A sealed batch is immutable and re-sent unchanged on retry,
     * under the same batch id, so the scripts can recognise it.
     */
    public static final class Batch {
        private final Map<Integer, SlotPart> slots = new LinkedHashMap<>();
        private final List<String> events = new ArrayList<>();
        private final List<String> usageIds = new ArrayList<>();
        private final List<String> requestIds = new ArrayList<>();
        private String id;
        private List<Request> slotRequests;
        private List<Request> slotFallbacks;
        private Request streamRequest;
        private Request streamFallback;

        private SlotPart part(String key) {
            return slots.computeIfAbsent(RedisKeys.slot(key), s -> new SlotPart(key));
        }

        /** Adds {@code delta} to a spend counter that expires at the given epoch second. */
        public Batch counter(String key, long delta, long expireAtEpochSeconds) {
            long[] c = part(key).counters.computeIfAbsent(key, k -> new long[2]);
            c[0] += delta;
            c[1] = Math.max(c[1], expireAtEpochSeconds);
            return this;
        }

        /** Counts one finished request in a key's minute counter ({@link #minuteRequests}). */
        public Batch minute(String key) {
            part(key).minutes.computeIfAbsent(key, k -> new long[1])[0]++;
            return this;
        }

        /** Adds a request's unsettled spend of a metered user (once per request id, even across batches). */
        public Batch unsettled(long userId, String requestId, long micros) {
            String key = RedisKeys.userSpend(userId);
            Unsettled u = part(key).unsettled.computeIfAbsent(key, k -> new Unsettled());
            u.pairs.add(requestId);
            u.pairs.add(Long.toString(micros));
            u.sum += micros;
            return this;
        }

        /** Removes a finished request's reservation from one reservation set. */
        public Batch release(String reservationKey, String member) {
            SlotPart p = part(reservationKey);
            p.reservationKeys.add(reservationKey);
            p.reservationKeys.add(RedisKeys.reservationTotal(reservationKey));
            p.reservationMembers.add(member);
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

        /** The batch id the scripts dedupe on; null until sealed. */
        public String id() {
            return id;
        }

        /** Hash slots this batch writes besides the stream's (diagnostics, tests). */
        public int slots() {
            return slotRequests == null ? slots.size() : slotRequests.size();
        }

        /**
         * Freezes the batch into its script calls.
         *
         * @param markerTtlSeconds how long the batch id is remembered beside the stream (events exactly once)
         * @param slotMarkerTtlSeconds how long each slot remembers it (counters exactly once within that time)
         */
        public Batch seal(String batchId, long markerTtlSeconds, long slotMarkerTtlSeconds, long streamMaxLen,
                long unsettledTtlMs) {
            if (streamRequest != null) {
                return this;
            }
            id = batchId;
            slotRequests = new ArrayList<>(slots.size());
            slotFallbacks = new ArrayList<>(slots.size());
            for (SlotPart p : slots.values()) {
                List<String> keys = p.keys(batchId);
                List<String> args = p.args(slotMarkerTtlSeconds, unsettledTtlMs);
                slotRequests.add(eval(Command.EVALSHA, SLOT_SHA, keys, args));
                slotFallbacks.add(eval(Command.EVAL, SLOT_SCRIPT, keys, args));
            }
            List<String> keys = List.of(RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, batchId), RedisKeys.USAGE_STREAM);
            List<String> args = new ArrayList<>(2 + events.size());
            args.add(Long.toString(markerTtlSeconds));
            args.add(Long.toString(streamMaxLen));
            args.addAll(events);
            streamRequest = eval(Command.EVALSHA, STREAM_SHA, keys, args);
            streamFallback = eval(Command.EVAL, STREAM_SCRIPT, keys, args);
            slots.clear();
            events.clear();
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
     * Writes a sealed batch: its slot scripts in one pipeline, then its events (EVALSHA, EVAL once if Redis lost
     * a script); two round trips.
     *
     * @return true when the events were appended now, false when this batch id was applied before (a retry after a
     *     lost reply)
     */
    public Uni<Boolean> write(Batch batch) {
        if (batch.streamRequest == null) {
            throw new IllegalStateException("batch not sealed");
        }
        Uni<Void> slots = batch.slotRequests.isEmpty() ? Uni.createFrom().voidItem()
                : redis.batch(batch.slotRequests).onFailure(UsageStore::noScript)
                        .recoverWithUni(e -> redis.batch(batch.slotFallbacks)).replaceWithVoid();
        return slots.chain(() -> redis.send(batch.streamRequest).onFailure(UsageStore::noScript)
                .recoverWithUni(e -> redis.send(batch.streamFallback)))
                .map(r -> r != null && r.toInteger() == 1);
    }

    private static boolean noScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("NOSCRIPT");
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
        List<Request> batch = new ArrayList<>(counters.size() + 3);
        counters.forEach(k -> batch.add(Request.cmd(Command.GET).arg(k))); // one GET each: they span slots
        long bucket = Math.floorDiv(nowMs, windowMs);
        batch.add(Request.cmd(Command.MGET).arg(LimitStore.rateBucket(userId, apiKeyId, bucket))
                .arg(LimitStore.rateBucket(userId, apiKeyId, bucket - 1)));
        batch.add(Request.cmd(Command.ZCOUNT).arg(RedisKeys.concurrency(userId)).arg("(" + nowMs).arg("+inf"));
        batch.add(Request.cmd(Command.HGET).arg(RedisKeys.userSpend(userId)).arg(LimitStore.UNSETTLED_TOTAL));
        return redis.batch(batch).map(replies -> {
            int i = 0;
            List<Long> values = new ArrayList<>(counters.size());
            while (i < counters.size()) {
                values.add(asLong(replies.get(i++)));
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
        List<Request> batch = new ArrayList<>(keys.size());
        keys.forEach(k -> batch.add(Request.cmd(Command.GET).arg(k))); // one GET each: they may span slots
        return redis.batch(batch).map(replies -> {
            List<Long> values = new ArrayList<>(replies.size());
            replies.forEach(r -> values.add(asLong(r)));
            return values;
        });
    }

    private static long asLong(Response r) {
        return r == null ? 0L : Long.parseLong(r.toString());
    }
}
