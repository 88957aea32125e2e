package dev.switchboard.relay.store;

import dev.switchboard.contracts.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Redis side of tenant limits: one Lua script decides a whole admission (sliding-window rpm counter, concurrency
 * lease, group budgets with fallback, prepaid balance) in a single round trip, plus lease release and
 * refresh and the live usage counters of upstream keys.
 */
// @Singleton, not @ApplicationScoped: called on every request, and a client proxy costs a context lookup per call
@Singleton
public class LimitStore {

    private static final Logger LOG = Logger.getLogger(LimitStore.class);

    /** Field of the unsettled-spend hash holding the sum of every other field (see UsageStore). */
    public static final String UNSETTLED_TOTAL = RedisKeys.UNSETTLED_TOTAL;

    /*
     * Reservation sets (Lua, inside the scripts that use them; `now` is the script's clock). reserved(i): what the
     * zset KEYS[i] holds, from its total KEYS[i + 1], after expired members have left it (and their amounts the
     * total); a set found empty drops its total, so a total can never drift past one emptying. reserve(i, ...):
     * adds a member and its amount once.
     */
    static final String RESERVED_LUA = """
            local function reserved(i)
              local key, total = KEYS[i], KEYS[i + 1]
              local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now)
              if #expired > 0 then
                local sum = 0
                for _, m in ipairs(expired) do sum = sum + (tonumber(string.match(m, ':(%d+)$')) or 0) end
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
                redis.call('DECRBY', total, sum)
              end
              if redis.call('ZCARD', key) == 0 then
                redis.call('DEL', total)
                return 0
              end
              return math.max(0, tonumber(redis.call('GET', total) or '0'))
            end
            local function reserve(i, member, amount, ttl)
              if redis.call('ZADD', KEYS[i], now + ttl, member) == 1 then redis.call('INCRBY', KEYS[i + 1], amount) end
              redis.call('PEXPIRE', KEYS[i], ttl)
              redis.call('PEXPIRE', KEYS[i + 1], ttl)
            end
            """;

    /** Lua: release(set, total, member) takes a reservation out of its set and, once, its amount out of the total. */
    static final String RELEASE_LUA = """
            local function release(set, total, member)
              if redis.call('ZREM', set, member) == 1 then
                redis.call('DECRBY', total, tonumber(string.match(member, ':(%d+)$')) or 0)
              end
            end
            """;

    /** Removes one reservation member from each (zset, total) pair of KEYS, its amount from the total once. */
    public static final String RELEASE_RESERVATION = RELEASE_LUA + """
            for i = 1, #KEYS, 2 do
              release(KEYS[i], KEYS[i + 1], ARGV[1])
            end
            return 1
            """;

    /*
     * KEYS[1] current rate bucket, KEYS[2] previous rate bucket (sliding-window counter, see
     * rateBucket), KEYS[3] concurrency zset, KEYS[4] unsettled-spend hash, KEYS[5] the user's reservation
     * zset and KEYS[6] its total, KEYS[5+2g] and KEYS[6+2g] the reservation zset and total of group g of the
     * chain, then KEYS[7+2G..] the spend counters of each group of the chain, in order.
     * ARGV[1] now ms, ARGV[2] ms elapsed in the current rate bucket, ARGV[3] rpm limit or '-',
     * ARGV[4] window ms, ARGV[5] lease id, ARGV[6] concurrency limit or '-', ARGV[7] lease ttl ms,
     * ARGV[8] balance micro-USD or '-', ARGV[9] number of groups G, ARGV[10] the request's estimated cost
     * in micro-USD (0: reserve nothing), ARGV[11] reservation ttl ms, ARGV[12] reservation member,
     * then per group: n followed by n limits (micro-USD), each matching the next spend counter key.
     * A reservation is a member '<token>:<micros>' scored by its expiry; what a set holds is kept in its total
     * key (RESERVED_LUA), so reading it costs the same with 1 or 1 000 requests in flight. A request is admitted against a budget or balance when what is left covers its
     * estimate on top of what is reserved, or when nothing is reserved and something is left (a request
     * whose estimate exceeds the rest is served alone, never beside others).
     * Checks come first and nothing is written unless all pass, so a refused request takes no rpm
     * slot, no lease and no reservation. Returns {1, chosen group index (1-based), group reserved (0/1),
     * user reserved (0/1)} or {0, reason, details...} ('rate' details: previous bucket, current bucket;
     * 'balance': 1 when what is left is held by requests in flight, else 0).
     */
    static final String ADMIT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local groups = tonumber(ARGV[9])
            local cost = tonumber(ARGV[10])
            """ + RESERVED_LUA + """
            local a = 13
            local k = 7 + 2 * groups
            local chosen = 0
            local chosenLimited = false
            local masks = {}
            for g = 1, groups do
              local n = tonumber(ARGV[a])
              a = a + 1
              local over = 0
              local spent = {}
              local held = 0
              if n > 0 then
                spent = redis.call('MGET', unpack(KEYS, k, k + n - 1))
                held = reserved(5 + 2 * g)
              end
              for p = 1, n do
                local s = tonumber(spent[p]) or 0
                local limit = tonumber(ARGV[a])
                if s >= limit or (held > 0 and s + held + cost > limit) then over = over + 2 ^ (p - 1) end
                a = a + 1
              end
              k = k + n
              if over == 0 then
                chosen = g
                chosenLimited = n > 0
                break
              end
              masks[#masks + 1] = over
            end
            if groups > 0 and chosen == 0 then
              return {0, 'budget', unpack(masks)}
            end
            if ARGV[8] ~= '-' then
              local left = tonumber(ARGV[8]) - tonumber(redis.call('HGET', KEYS[4], '_total') or '0')
              local held = reserved(5)
              if left <= 0 then return {0, 'balance', 0} end
              if held > 0 and left - held - cost < 0 then return {0, 'balance', 1} end
            end
            local window = tonumber(ARGV[4])
            if ARGV[3] ~= '-' then
              local counts = redis.call('MGET', KEYS[1], KEYS[2])
              local cur = tonumber(counts[1]) or 0
              local prev = tonumber(counts[2]) or 0
              if prev * (1 - tonumber(ARGV[2]) / window) + cur + 1 > tonumber(ARGV[3]) then
                return {0, 'rate', prev, cur}
              end
            end
            local ttl = tonumber(ARGV[7])
            if ARGV[6] ~= '-' then
              redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
              if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return {0, 'concurrency'} end
            end
            if ARGV[3] ~= '-' then
              if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], 2 * window) end
            end
            if ARGV[6] ~= '-' then
              redis.call('ZADD', KEYS[3], now + ttl, ARGV[5])
              redis.call('PEXPIRE', KEYS[3], ttl)
            end
            local groupReserved, userReserved = 0, 0
            if cost > 0 then
              local rttl = tonumber(ARGV[11])
              if chosenLimited then
                reserve(5 + 2 * chosen, ARGV[12], cost, rttl)
                groupReserved = 1
              end
              if ARGV[8] ~= '-' then
                reserve(5, ARGV[12], cost, rttl)
                userReserved = 1
              end
            end
            return {1, chosen, groupReserved, userReserved}
            """;

    /*
     * A block of allowances for one key, granted only when every limit is far from reached.
     * KEYS[1] current rate bucket, KEYS[2] previous rate bucket, KEYS[3] concurrency zset, KEYS[4] unsettled-spend
     * hash, KEYS[5] and KEYS[6] the user's reservation zset and total, KEYS[7] and KEYS[8] the group's,
     * KEYS[9..8+n] the group's spend counters.
     * ARGV[1] now ms, ARGV[2] ms elapsed in the current rate bucket, ARGV[3] rpm limit or '-', ARGV[4] window ms,
     * ARGV[5] block id, ARGV[6] concurrency limit or '-', ARGV[7] lease ttl ms, ARGV[8] balance micro-USD or '-',
     * ARGV[9] requests B, ARGV[10] slots C, ARGV[11] spend S (micro-USD), ARGV[12] reservation ttl ms,
     * ARGV[13] headroom factor F, ARGV[14] n, then n spend limits (micro-USD).
     * Far means: each limit has room for F times the block on top of its use and what is reserved. Then B requests
     * are counted in the rate bucket, C leases '<block id>.<i>' taken, and S reserved under '<block id>:<S>' in the
     * user's and the group's sets. Returns {1} when granted, {0} when some limit is near.
     */
    static final String GRANT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local f = tonumber(ARGV[13])
            local b, c, s = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
            """ + RESERVED_LUA + """
            local n = tonumber(ARGV[14])
            if n > 0 then
              local held = reserved(7)
              local spent = redis.call('MGET', unpack(KEYS, 9, 8 + n))
              for p = 1, n do
                if (tonumber(spent[p]) or 0) + held + math.max(f * s, 1) > tonumber(ARGV[14 + p]) then return {0} end
              end
            end
            if ARGV[8] ~= '-' then
              local left = tonumber(ARGV[8]) - tonumber(redis.call('HGET', KEYS[4], '_total') or '0') - reserved(5)
              if left < math.max(f * s, 1) then return {0} end
            end
            local window = tonumber(ARGV[4])
            if ARGV[3] ~= '-' then
              local counts = redis.call('MGET', KEYS[1], KEYS[2])
              local used = (tonumber(counts[2]) or 0) * (1 - tonumber(ARGV[2]) / window) + (tonumber(counts[1]) or 0)
              if used + f * b > tonumber(ARGV[3]) then return {0} end
            end
            local ttl = tonumber(ARGV[7])
            if ARGV[6] ~= '-' then
              redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
              if redis.call('ZCARD', KEYS[3]) + f * c > tonumber(ARGV[6]) then return {0} end
            end
            if ARGV[3] ~= '-' then
              if redis.call('INCRBY', KEYS[1], b) == b then redis.call('PEXPIRE', KEYS[1], 2 * window) end
            end
            if ARGV[6] ~= '-' then
              for i = 1, c do redis.call('ZADD', KEYS[3], now + ttl, ARGV[5] .. '.' .. i) end
              redis.call('PEXPIRE', KEYS[3], ttl)
            end
            if s > 0 then
              local rttl = tonumber(ARGV[12])
              local member = ARGV[5] .. ':' .. s
              if n > 0 then
                reserve(7, member, s, rttl)
              end
              if ARGV[8] ~= '-' then
                reserve(5, member, s, rttl)
              end
            end
            return {1}
            """;

    private static final String GRANT_SHA = sha1(GRANT_SCRIPT);

    /**
     * Counter of a key's admitted requests in one rate bucket ({@code floor(epoch ms / rate-window)});
     * lives two windows. Under {@code sb:rl:key:<id>:w:}, apart from the finished-request minute counters.
     */
    public static String rateBucket(long apiKeyId, long bucket) {
        return RedisKeys.rateWindow(apiKeyId) + ":w:" + bucket;
    }

    /**
     * Sliding-window estimate of the requests in the last window: the previous bucket weighted by the
     * part of it still inside the window (assumes its requests were evenly spread) plus the current bucket.
     */
    public static double rateEstimate(long previous, long current, long nowMs, long windowMs) {
        long elapsed = Math.floorMod(nowMs, windowMs);
        return previous * (1 - (double) elapsed / windowMs) + current;
    }

    /**
     * Milliseconds until {@link #rateEstimate} has room for one more request under {@code limit}
     * (at least 1), assuming no further admissions meanwhile.
     */
    public static long rateRetryAfterMs(long previous, long current, long limit, long nowMs, long windowMs) {
        long elapsed = Math.floorMod(nowMs, windowMs);
        long wait;
        if (limit <= 0) {
            wait = windowMs - elapsed;
        } else if (current + 1 <= limit && previous > 0) {
            // still in this bucket: previous * (1 - f) + current + 1 <= limit
            double f = 1 - (double) (limit - 1 - current) / previous;
            wait = (long) Math.ceil(f * windowMs) - elapsed;
        } else {
            // only once the current bucket has become the previous one: current * (1 - f') + 1 <= limit
            double f = current <= 0 ? 0 : Math.max(0, 1 - (double) (limit - 1) / current);
            wait = windowMs - elapsed + (long) Math.ceil(f * windowMs);
        }
        return Math.max(1, wait);
    }

    private static final String ADMIT_SHA = sha1(ADMIT_SCRIPT);

    private final Redis redis;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong admissionTrips = new AtomicLong();

    public LimitStore(Redis redis) {
        this.redis = redis;
    }

    /** Number of Redis round trips this store has started (for tests and diagnostics). */
    public long roundTrips() {
        return roundTrips.get();
    }

    /** Round trips of admission alone: per-request scripts, block grants and block returns (metric). */
    public long admissionRoundTrips() {
        return admissionTrips.get();
    }

    /**
     * Spend limits of one group of the fallback chain: counter keys and their limits in micro-USD.
     *
     * @param reservations the group's reservation set ({@link RedisKeys#groupReservations})
     */
    public record GroupBudget(String reservations, List<String> keys, List<Long> limitsMicro) {
    }

    /** What to set aside against balance and budget: {@code micros} (0 for nothing) under {@code member}. */
    public record Reserve(long micros, long ttlMs, String member) {
        public static final Reserve NONE = new Reserve(0, 0, "-");
    }

    /**
     * One admission round trip.
     *
     * @param requestId not sent (the rpm counter keeps no members); kept for callers and diagnostics
     * @param rpmLimit null = unlimited
     * @param concurrencyLimit null = unlimited
     * @param balanceMicro null = not metered
     * @param chain the group chain up to and including the first group without spend limits
     * @return the script's raw reply: {1, chosen, group reserved, user reserved} or {0, reason, details...}
     */
    public Uni<List<String>> admit(long apiKeyId, long userId, long nowMs, String requestId, Integer rpmLimit,
            long windowMs, String leaseId, Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro,
            List<GroupBudget> chain, Reserve reserve) {
        long bucket = Math.floorDiv(nowMs, windowMs);
        List<String> keys = tenantKeys(apiKeyId, userId, bucket);
        for (GroupBudget g : chain) {
            keys.add(g.reservations());
            keys.add(RedisKeys.reservationTotal(g.reservations()));
        }
        List<String> args = new ArrayList<>();
        args.add(Long.toString(nowMs));
        args.add(Long.toString(nowMs - bucket * windowMs));
        args.add(rpmLimit == null ? "-" : rpmLimit.toString());
        args.add(Long.toString(windowMs));
        args.add(leaseId);
        args.add(concurrencyLimit == null ? "-" : concurrencyLimit.toString());
        args.add(Long.toString(leaseTtlMs));
        args.add(balanceMicro == null ? "-" : balanceMicro.toString());
        args.add(Integer.toString(chain.size()));
        args.add(Long.toString(reserve.micros()));
        args.add(Long.toString(reserve.ttlMs()));
        args.add(reserve.member());
        for (GroupBudget g : chain) {
            args.add(Integer.toString(g.keys().size()));
            keys.addAll(g.keys());
            g.limitsMicro().forEach(l -> args.add(Long.toString(l)));
        }
        return evalsha(ADMIT_SCRIPT, ADMIT_SHA, keys, args).map(LimitStore::strings);
    }

    /**
     * The size of a block of allowances and how far from its limits a key must be to get one.
     *
     * @param requests rpm slots (B)
     * @param slots concurrency leases (C)
     * @param spendMicros spend reserved against balance and budget (S)
     * @param headroom every limit must have room for this many blocks (F)
     */
    public record BlockRequest(String blockId, int requests, int slots, long spendMicros, long reservationTtlMs,
            int headroom) {
    }

    /**
     * Asks for a block of allowances (see {@code GRANT_SCRIPT}) for a key's own group; true when granted.
     *
     * @param budget the key's group's spend limits, null when it has none
     */
    public Uni<Boolean> grant(long apiKeyId, long userId, long groupId, long nowMs, Integer rpmLimit, long windowMs,
            Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro, GroupBudget budget, BlockRequest block) {
        long bucket = Math.floorDiv(nowMs, windowMs);
        List<String> keys = tenantKeys(apiKeyId, userId, bucket);
        keys.add(RedisKeys.groupReservations(groupId));
        keys.add(RedisKeys.reservationTotal(RedisKeys.groupReservations(groupId)));
        List<String> args = new ArrayList<>();
        args.add(Long.toString(nowMs));
        args.add(Long.toString(nowMs - bucket * windowMs));
        args.add(rpmLimit == null ? "-" : rpmLimit.toString());
        args.add(Long.toString(windowMs));
        args.add(block.blockId());
        args.add(concurrencyLimit == null ? "-" : concurrencyLimit.toString());
        args.add(Long.toString(leaseTtlMs));
        args.add(balanceMicro == null ? "-" : balanceMicro.toString());
        args.add(Integer.toString(block.requests()));
        args.add(Integer.toString(block.slots()));
        args.add(Long.toString(block.spendMicros()));
        args.add(Long.toString(block.reservationTtlMs()));
        args.add(Integer.toString(block.headroom()));
        args.add(Integer.toString(budget == null ? 0 : budget.keys().size()));
        if (budget != null) {
            keys.addAll(budget.keys());
            budget.limitsMicro().forEach(l -> args.add(Long.toString(l)));
        }
        return evalsha(GRANT_SCRIPT, GRANT_SHA, keys, args).map(r -> r.size() > 0 && r.get(0).toInteger() == 1);
    }

    /**
     * Gives back what a retired block did not use, in one pipeline; fire-and-forget, retried briefly.
     *
     * @param rateBucket the bucket the block's requests were counted in, null when rpm is unlimited
     * @param freeSlots leases nobody took
     * @param reservationKeys sets holding the block's reservation {@code member}
     */
    public void returnBlock(String rateBucket, long unusedRequests, long userId, List<String> freeSlots,
            List<String> reservationKeys, String member) {
        List<Request> batch = new ArrayList<>(2 + reservationKeys.size());
        if (rateBucket != null && unusedRequests > 0) {
            batch.add(Request.cmd(Command.DECRBY).arg(rateBucket).arg(unusedRequests));
        }
        if (!freeSlots.isEmpty()) {
            Request zrem = Request.cmd(Command.ZREM).arg(RedisKeys.concurrency(userId));
            freeSlots.forEach(zrem::arg);
            batch.add(zrem);
        }
        if (!reservationKeys.isEmpty()) {
            batch.add(releaseRequest(reservationKeys, member));
        }
        if (batch.isEmpty()) {
            return;
        }
        roundTrips.incrementAndGet();
        admissionTrips.incrementAndGet();
        redis.batch(batch)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .subscribe().with(r -> { }, e -> LOG.debugf("block return failed: %s", e.getClass().getSimpleName()));
    }

    /**
     * Frees a lease; fire-and-forget. Retried briefly so a Redis blip does not hold the slot for a whole
     * lease TTL; after that the lease expires on its own.
     */
    public void release(long userId, String leaseId) {
        roundTrips.incrementAndGet();
        redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.concurrency(userId)).arg(leaseId))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .subscribe().with(r -> { }, e -> LOG.debugf("lease release failed: %s", e.getClass().getSimpleName()));
    }

    /**
     * Frees many leases in one pipeline (user id → lease ids); fire-and-forget, retried briefly like
     * {@link #release}. What the request path uses: releases are gathered for a few milliseconds.
     */
    public void releaseAll(Map<Long, List<String>> leasesByUser) {
        if (leasesByUser.isEmpty()) {
            return;
        }
        List<Request> batch = new ArrayList<>(leasesByUser.size());
        leasesByUser.forEach((userId, leases) -> {
            Request zrem = Request.cmd(Command.ZREM).arg(RedisKeys.concurrency(userId));
            leases.forEach(zrem::arg);
            batch.add(zrem);
        });
        roundTrips.incrementAndGet();
        redis.batch(batch)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .subscribe().with(r -> { }, e -> LOG.debugf("lease release failed: %s", e.getClass().getSimpleName()));
    }

    /** Drops a reservation whose request never reaches the usage batch (its admission answer was lost); fire-and-forget. */
    public void releaseReservation(List<String> keys, String member) {
        roundTrips.incrementAndGet();
        redis.send(releaseRequest(keys, member))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .subscribe().with(r -> { }, e -> LOG.debugf("reservation release failed: %s", e.getClass().getSimpleName()));
    }

    /** KEYS[1..6] of the admission and grant scripts: rate buckets, leases, unsettled spend, the user's reservations. */
    private static List<String> tenantKeys(long apiKeyId, long userId, long bucket) {
        List<String> keys = new ArrayList<>();
        keys.add(rateBucket(apiKeyId, bucket));
        keys.add(rateBucket(apiKeyId, bucket - 1));
        keys.add(RedisKeys.concurrency(userId));
        keys.add(RedisKeys.userSpend(userId));
        keys.add(RedisKeys.userReservations(userId));
        keys.add(RedisKeys.reservationTotal(RedisKeys.userReservations(userId)));
        return keys;
    }

    /** {@link #RELEASE_RESERVATION} for the given reservation sets (each followed by its total). */
    private static Request releaseRequest(List<String> reservationKeys, String member) {
        Request r = Request.cmd(Command.EVAL).arg(RELEASE_RESERVATION).arg(2 * reservationKeys.size());
        reservationKeys.forEach(k -> r.arg(k).arg(RedisKeys.reservationTotal(k)));
        return r.arg(member);
    }

    /** Pushes the expiry of live leases (user id → lease ids) to {@code nowMs + ttlMs}; leases already released stay gone. */
    public Uni<Void> refresh(Map<Long, List<String>> leasesByUser, long nowMs, long ttlMs) {
        if (leasesByUser.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>();
        String expiry = Long.toString(nowMs + ttlMs);
        leasesByUser.forEach((userId, leases) -> {
            String key = RedisKeys.concurrency(userId);
            Request zadd = Request.cmd(Command.ZADD).arg(key).arg("XX");
            leases.forEach(id -> zadd.arg(expiry).arg(id));
            batch.add(zadd);
            batch.add(Request.cmd(Command.PEXPIRE).arg(key).arg(ttlMs));
        });
        roundTrips.incrementAndGet();
        return redis.batch(batch).replaceWithVoid();
    }

    /** Number of unexpired leases of a user. */
    public Uni<Long> liveLeases(long userId, long nowMs) {
        roundTrips.incrementAndGet();
        return redis.send(Request.cmd(Command.ZCOUNT).arg(RedisKeys.concurrency(userId)).arg("(" + nowMs).arg("+inf"))
                .map(r -> r == null ? 0L : r.toLong());
    }

    /**
     * Adds this replica's recent requests/tokens of upstream keys to the shared per-minute counters and
     * reads back the cluster-wide counts of the current and previous minute.
     *
     * @param deltas key id → {requests, tokens} since the last flush (may contain zeros, still read back)
     * @return key id → {requests this minute, requests previous minute, tokens this minute, tokens previous minute}
     */
    public Uni<Map<Long, long[]>> flushUpstreamUsage(Map<Long, long[]> deltas, long minute) {
        if (deltas.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Request> batch = new ArrayList<>();
        List<Long> ids = new ArrayList<>(deltas.keySet());
        String cur = Long.toString(minute);
        String prev = Long.toString(minute - 1);
        for (Long id : ids) {
            String key = RedisKeys.upstreamRate(id);
            long[] d = deltas.get(id);
            batch.add(Request.cmd(Command.HINCRBY).arg(key).arg("r:" + cur).arg(d[0]));
            batch.add(Request.cmd(Command.HINCRBY).arg(key).arg("t:" + cur).arg(d[1]));
            batch.add(Request.cmd(Command.HMGET).arg(key).arg("r:" + prev).arg("t:" + prev));
            batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(180));
        }
        roundTrips.incrementAndGet();
        return redis.batch(batch).map(replies -> {
            Map<Long, long[]> out = new java.util.HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                long reqCur = replies.get(4 * i).toLong();
                long tokCur = replies.get(4 * i + 1).toLong();
                Response prevs = replies.get(4 * i + 2);
                out.put(ids.get(i), new long[] {reqCur, asLong(prevs.get(0)), tokCur, asLong(prevs.get(1))});
            }
            return out;
        });
    }

    private Uni<Response> evalsha(String script, String sha, List<String> keys, List<String> args) {
        roundTrips.incrementAndGet();
        admissionTrips.incrementAndGet();
        return redis.send(eval(Command.EVALSHA, sha, keys, args)).onFailure(LimitStore::noScript).recoverWithUni(e -> {
            roundTrips.incrementAndGet();
            return redis.send(eval(Command.EVAL, script, keys, args));
        });
    }

    private static Request eval(Command command, String scriptOrSha, List<String> keys, List<String> args) {
        Request r = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return r;
    }

    private static boolean noScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    private static List<String> strings(Response r) {
        List<String> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.add(r.get(i).toString());
        }
        return out;
    }

    private static long asLong(Response r) {
        return r == null ? 0L : Long.parseLong(r.toString());
    }

    static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
