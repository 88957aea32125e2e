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
 * Redis side of tenant limits: one round trip decides a whole admission (sliding-window rpm counter, concurrency
 * lease, group budgets with fallback, prepaid balance) with one Lua script per hash slot involved, plus lease
 * release and refresh and the live usage counters of upstream keys. Every script and command touches one slot.
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

    /** Removes one reservation member from the zset KEYS[1], its amount from the total KEYS[2] once. */
    public static final String RELEASE_RESERVATION = RELEASE_LUA + """
            release(KEYS[1], KEYS[2], ARGV[1])
            return 1
            """;

    /*
     * Admission is two scripts, one per hash slot, sent in one pipeline: GROUP_ADMIT_SCRIPT for each group of the
     * chain that has spend limits (the group's slot), then USER_ADMIT_SCRIPT (the user's slot: the key's rate
     * buckets, the user's leases, unsettled spend and reservations). Each decides its own limits atomically and
     * writes only when they pass, so neither side can overshoot; admit() then keeps the first group that passed
     * and gives back what the other scripts took (a later group's reservation, or the user's side when no group
     * passed, or the group's when the user refused). Until that give-back lands a refusal can be conservative.
     *
     * A reservation is a member '<token>:<micros>' scored by its expiry; what a set holds is kept in its total
     * key (RESERVED_LUA), so reading it costs the same with 1 or 1 000 requests in flight. A request is admitted
     * against a budget or balance when what is left covers its estimate on top of what is reserved, or when
     * nothing is reserved and something is left (a request whose estimate exceeds the rest is served alone,
     * never beside others).
     */

    /*
     * One group of the chain. KEYS[1] the group's reservation zset, KEYS[2] its total, KEYS[3..2+n] its spend
     * counters. ARGV[1] now ms, ARGV[2] estimated cost micro-USD (0: reserve nothing), ARGV[3] reservation ttl ms,
     * ARGV[4] reservation member, ARGV[5..4+n] the limits (micro-USD) of the counters, in order.
     * Returns {1, reserved (0/1)} when every limit has room, else {0, mask of the limits reached}.
     */
    static final String GROUP_ADMIT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local cost = tonumber(ARGV[2])
            """ + RESERVED_LUA + """
            local n = #KEYS - 2
            local spent = redis.call('MGET', unpack(KEYS, 3, 2 + n))
            local held = reserved(1)
            local over = 0
            for p = 1, n do
              local s = tonumber(spent[p]) or 0
              local limit = tonumber(ARGV[4 + p])
              if s >= limit or (held > 0 and s + held + cost > limit) then over = over + 2 ^ (p - 1) end
            end
            if over > 0 then return {0, over} end
            if cost > 0 then
              reserve(1, ARGV[4], cost, tonumber(ARGV[3]))
              return {1, 1}
            end
            return {1, 0}
            """;

    /*
     * The user's side. KEYS[1] current rate bucket, KEYS[2] previous rate bucket (sliding-window counter, see
     * rateBucket), KEYS[3] concurrency zset, KEYS[4] unsettled-spend hash, KEYS[5] the user's reservation zset and
     * KEYS[6] its total.
     * ARGV[1] now ms, ARGV[2] ms elapsed in the current rate bucket, ARGV[3] rpm limit or '-', ARGV[4] window ms,
     * ARGV[5] lease id, ARGV[6] concurrency limit or '-', ARGV[7] lease ttl ms, ARGV[8] balance micro-USD or '-',
     * ARGV[9] the request's estimated cost in micro-USD (0: reserve nothing), ARGV[10] reservation ttl ms,
     * ARGV[11] reservation member.
     * Checks come first (balance, rate, concurrency) and nothing is written unless all pass, so a refused request
     * takes no rpm slot, no lease and no reservation. Returns {1, user reserved (0/1)} or {0, reason, details...}
     * ('rate' details: previous bucket, current bucket; 'balance': 1 when what is left is held by requests in
     * flight, else 0).
     */
    static final String USER_ADMIT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local cost = tonumber(ARGV[9])
            """ + RESERVED_LUA + """
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
            if cost > 0 and ARGV[8] ~= '-' then
              reserve(5, ARGV[11], cost, tonumber(ARGV[10]))
              return {1, 1}
            end
            return {1, 0}
            """;

    /*
     * A block of allowances for one key, granted only when every limit is far from reached: like admission, a
     * user-slot script and (when the key's group has spend limits) a group-slot script in one pipeline; the block
     * is granted when both grant, and a side granted alone is given back.
     * Far means: each limit has room for F times the block on top of its use and what is reserved. Then B requests
     * are counted in the rate bucket, C leases '<block id>.<i>' taken, and S reserved under '<block id>:<S>' in the
     * user's and the group's sets. Both return {1} when granted, {0} when some limit is near.
     *
     * USER_GRANT_SCRIPT: KEYS[1] current rate bucket, KEYS[2] previous rate bucket, KEYS[3] concurrency zset,
     * KEYS[4] unsettled-spend hash, KEYS[5] and KEYS[6] the user's reservation zset and total.
     * ARGV[1] now ms, ARGV[2] ms elapsed in the current rate bucket, ARGV[3] rpm limit or '-', ARGV[4] window ms,
     * ARGV[5] block id, ARGV[6] concurrency limit or '-', ARGV[7] lease ttl ms, ARGV[8] balance micro-USD or '-',
     * ARGV[9] requests B, ARGV[10] slots C, ARGV[11] spend S (micro-USD), ARGV[12] reservation ttl ms,
     * ARGV[13] headroom factor F.
     */
    static final String USER_GRANT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local f = tonumber(ARGV[13])
            local b, c, s = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
            """ + RESERVED_LUA + """
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
            if s > 0 and ARGV[8] ~= '-' then
              reserve(5, ARGV[5] .. ':' .. s, s, tonumber(ARGV[12]))
            end
            return {1}
            """;

    /*
     * GROUP_GRANT_SCRIPT: KEYS[1] and KEYS[2] the group's reservation zset and total, KEYS[3..2+n] its spend
     * counters. ARGV[1] now ms, ARGV[2] block id, ARGV[3] spend S (micro-USD), ARGV[4] reservation ttl ms,
     * ARGV[5] headroom factor F, ARGV[6..5+n] the counters' limits (micro-USD).
     */
    static final String GROUP_GRANT_SCRIPT = """
            local now = tonumber(ARGV[1])
            local s, f = tonumber(ARGV[3]), tonumber(ARGV[5])
            """ + RESERVED_LUA + """
            local n = #KEYS - 2
            local held = reserved(1)
            local spent = redis.call('MGET', unpack(KEYS, 3, 2 + n))
            for p = 1, n do
              if (tonumber(spent[p]) or 0) + held + math.max(f * s, 1) > tonumber(ARGV[5 + p]) then return {0} end
            end
            if s > 0 then
              reserve(1, ARGV[2] .. ':' .. s, s, tonumber(ARGV[4]))
            end
            return {1}
            """;

    private static final String USER_GRANT_SHA = sha1(USER_GRANT_SCRIPT);
    private static final String GROUP_GRANT_SHA = sha1(GROUP_GRANT_SCRIPT);

    /**
     * Counter of a key's admitted requests in one rate bucket ({@code floor(epoch ms / rate-window)});
     * lives two windows. Under the key's {@link RedisKeys#rateWindow} (in its user's slot), apart from the
     * finished-request minute counters.
     */
    public static String rateBucket(long userId, long apiKeyId, long bucket) {
        return RedisKeys.rateWindow(userId, apiKeyId) + ":w:" + bucket;
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

    private static final String USER_ADMIT_SHA = sha1(USER_ADMIT_SCRIPT);
    private static final String GROUP_ADMIT_SHA = sha1(GROUP_ADMIT_SCRIPT);

    private final Redis redis;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong admissionTrips = new AtomicLong();

    public LimitStore(Redis redis) {
        this.redis = redis;
    }

    /** Redis round trips this store has started (tests, diagnostics); the per-slot scripts of one admission or grant, sent at once, count as one. */
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
     * One admission: the scripts of each hash slot involved (see {@code GROUP_ADMIT_SCRIPT}) sent together, one
     * wait. Fails when any script failed (the caller then gives back lease and reservations, as for a lost answer).
     *
     * @param requestId not sent (the rpm counter keeps no members); kept for callers and diagnostics
     * @param rpmLimit null = unlimited
     * @param concurrencyLimit null = unlimited
     * @param balanceMicro null = not metered
     * @param chain the group chain up to and including the first group without spend limits
     * @return {1, chosen group (1-based, 0 for an empty chain), group reserved (0/1), user reserved (0/1)} or
     *     {0, reason, details...}: 'budget' with the mask of the limits reached of each group, or the user's refusal
     */
    public Uni<List<String>> admit(long apiKeyId, long userId, long nowMs, String requestId, Integer rpmLimit,
            long windowMs, String leaseId, Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro,
            List<GroupBudget> chain, Reserve reserve) {
        long bucket = Math.floorDiv(nowMs, windowMs);
        String now = Long.toString(nowMs);
        String cost = Long.toString(reserve.micros());
        String reservationTtl = Long.toString(reserve.ttlMs());
        List<Uni<Response>> calls = new ArrayList<>(chain.size() + 1);
        int limited = 0;
        while (limited < chain.size() && !chain.get(limited).keys().isEmpty()) {
            GroupBudget g = chain.get(limited++);
            List<String> keys = new ArrayList<>(2 + g.keys().size());
            keys.add(g.reservations());
            keys.add(RedisKeys.reservationTotal(g.reservations()));
            keys.addAll(g.keys());
            List<String> args = new ArrayList<>(4 + g.limitsMicro().size());
            args.add(now);
            args.add(cost);
            args.add(reservationTtl);
            args.add(reserve.member());
            g.limitsMicro().forEach(l -> args.add(Long.toString(l)));
            calls.add(evalsha(GROUP_ADMIT_SCRIPT, GROUP_ADMIT_SHA, keys, args));
        }
        String rateBucket = rateBucket(userId, apiKeyId, bucket);
        List<String> userArgs = List.of(now, Long.toString(nowMs - bucket * windowMs), rpmLimit == null ? "-" : rpmLimit.toString(),
                Long.toString(windowMs), leaseId, concurrencyLimit == null ? "-" : concurrencyLimit.toString(),
                Long.toString(leaseTtlMs), balanceMicro == null ? "-" : balanceMicro.toString(), cost, reservationTtl,
                reserve.member());
        calls.add(evalsha(USER_ADMIT_SCRIPT, USER_ADMIT_SHA, userKeys(apiKeyId, userId, bucket), userArgs));
        roundTrips.incrementAndGet();
        admissionTrips.incrementAndGet();
        int groupScripts = limited;
        Uni<List<Response>> all = calls.size() == 1 ? calls.get(0).map(List::of) : Uni.join().all(calls).andCollectFailures();
        return all.map(replies -> {
            Response user = replies.get(groupScripts);
            boolean userAdmitted = user.get(0).toInteger() == 1;
            int chosen = groupScripts < chain.size() ? groupScripts + 1 : 0; // the chain's last group may have no limits
            List<String> masks = new ArrayList<>();
            for (int g = groupScripts - 1; g >= 0; g--) { // from the end, so the first group that passed is chosen
                Response r = replies.get(g);
                if (r.get(0).toInteger() == 1) {
                    chosen = g + 1;
                } else {
                    masks.add(0, r.get(1).toString());
                }
            }
            boolean groupReserved = false;
            for (int g = 0; g < groupScripts; g++) {
                Response r = replies.get(g);
                if (r.get(0).toInteger() == 1 && r.get(1).toInteger() == 1) {
                    if (userAdmitted && g + 1 == chosen) {
                        groupReserved = true;
                    } else { // a later group that passed too, or the user refused: not needed
                        releaseReservation(List.of(chain.get(g).reservations()), reserve.member());
                    }
                }
            }
            if (!chain.isEmpty() && chosen == 0) {
                if (userAdmitted) {
                    giveBackAdmission(userId, rpmLimit == null ? null : rateBucket, concurrencyLimit == null ? null : leaseId,
                            user.get(1).toInteger() == 1 ? reserve.member() : null);
                }
                List<String> refusal = new ArrayList<>(2 + masks.size());
                refusal.add("0");
                refusal.add("budget");
                refusal.addAll(masks);
                return refusal;
            }
            if (!userAdmitted) {
                return strings(user);
            }
            return List.of("1", Integer.toString(chosen), groupReserved ? "1" : "0", user.get(1).toString());
        });
    }

    /** Takes back what the user's admission script took for a request no group admitted; fire-and-forget. */
    private void giveBackAdmission(long userId, String rateBucket, String leaseId, String reservationMember) {
        List<Request> batch = new ArrayList<>(3);
        if (rateBucket != null) {
            batch.add(Request.cmd(Command.DECR).arg(rateBucket));
        }
        if (leaseId != null) {
            batch.add(Request.cmd(Command.ZREM).arg(RedisKeys.concurrency(userId)).arg(leaseId));
        }
        if (reservationMember != null) {
            batch.add(releaseRequest(RedisKeys.userReservations(userId), reservationMember));
        }
        if (!batch.isEmpty()) {
            send(batch, "admission give-back");
        }
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
     * Asks for a block of allowances (see {@code USER_GRANT_SCRIPT}) for a key's own group; true when granted.
     * A side granted while the other refused is given back at once.
     *
     * @param budget the key's group's spend limits, null when it has none
     */
    public Uni<Boolean> grant(long apiKeyId, long userId, long groupId, long nowMs, Integer rpmLimit, long windowMs,
            Integer concurrencyLimit, long leaseTtlMs, Long balanceMicro, GroupBudget budget, BlockRequest block) {
        long bucket = Math.floorDiv(nowMs, windowMs);
        String now = Long.toString(nowMs);
        List<String> args = List.of(now, Long.toString(nowMs - bucket * windowMs), rpmLimit == null ? "-" : rpmLimit.toString(),
                Long.toString(windowMs), block.blockId(), concurrencyLimit == null ? "-" : concurrencyLimit.toString(),
                Long.toString(leaseTtlMs), balanceMicro == null ? "-" : balanceMicro.toString(), Integer.toString(block.requests()),
                Integer.toString(block.slots()), Long.toString(block.spendMicros()), Long.toString(block.reservationTtlMs()),
                Integer.toString(block.headroom()));
        Uni<Response> user = evalsha(USER_GRANT_SCRIPT, USER_GRANT_SHA, userKeys(apiKeyId, userId, bucket), args);
        roundTrips.incrementAndGet();
        admissionTrips.incrementAndGet();
        if (budget == null || budget.keys().isEmpty()) {
            return user.map(LimitStore::granted);
        }
        List<String> keys = new ArrayList<>(2 + budget.keys().size());
        keys.add(budget.reservations());
        keys.add(RedisKeys.reservationTotal(budget.reservations()));
        keys.addAll(budget.keys());
        List<String> groupArgs = new ArrayList<>(5 + budget.limitsMicro().size());
        groupArgs.add(now);
        groupArgs.add(block.blockId());
        groupArgs.add(Long.toString(block.spendMicros()));
        groupArgs.add(Long.toString(block.reservationTtlMs()));
        groupArgs.add(Integer.toString(block.headroom()));
        budget.limitsMicro().forEach(l -> groupArgs.add(Long.toString(l)));
        Uni<Response> group = evalsha(GROUP_GRANT_SCRIPT, GROUP_GRANT_SHA, keys, groupArgs);
        return Uni.combine().all().unis(user, group).asTuple().map(t -> {
            boolean userGranted = granted(t.getItem1());
            boolean groupGranted = granted(t.getItem2());
            String member = block.blockId() + ":" + block.spendMicros();
            if (userGranted && !groupGranted) {
                List<String> slots = new ArrayList<>(block.slots());
                for (int i = 1; concurrencyLimit != null && i <= block.slots(); i++) {
                    slots.add(block.blockId() + "." + i);
                }
                returnBlock(rpmLimit == null ? null : rateBucket(userId, apiKeyId, bucket), block.requests(), userId, slots,
                        balanceMicro == null || block.spendMicros() == 0 ? List.of() : List.of(RedisKeys.userReservations(userId)),
                        member);
            } else if (groupGranted && !userGranted && block.spendMicros() > 0) {
                releaseReservation(List.of(budget.reservations()), member);
            }
            return userGranted && groupGranted;
        });
    }

    private static boolean granted(Response r) {
        return r != null && r.size() > 0 && r.get(0).toInteger() == 1;
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
        reservationKeys.forEach(k -> batch.add(releaseRequest(k, member)));
        if (batch.isEmpty()) {
            return;
        }
        admissionTrips.incrementAndGet();
        send(batch, "block return");
    }

    /** Sends fire-and-forget commands in one pipeline, retried briefly; each command stays within one hash slot. */
    private void send(List<Request> batch, String what) {
        roundTrips.incrementAndGet();
        redis.batch(batch)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .subscribe().with(r -> { }, e -> LOG.debugf("%s failed: %s", what, e.getClass().getSimpleName()));
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
        List<Request> batch = new ArrayList<>(keys.size());
        keys.forEach(k -> batch.add(releaseRequest(k, member)));
        send(batch, "reservation release");
    }

    /** KEYS[1..6] of the user's admission and grant scripts: rate buckets, leases, unsettled spend, reservations. */
    private static List<String> userKeys(long apiKeyId, long userId, long bucket) {
        List<String> keys = new ArrayList<>(6);
        keys.add(rateBucket(userId, apiKeyId, bucket));
        keys.add(rateBucket(userId, apiKeyId, bucket - 1));
        keys.add(RedisKeys.concurrency(userId));
        keys.add(RedisKeys.userSpend(userId));
        keys.add(RedisKeys.userReservations(userId));
        keys.add(RedisKeys.reservationTotal(RedisKeys.userReservations(userId)));
        return keys;
    }

    /** {@link #RELEASE_RESERVATION} for one reservation set and its total (one hash slot). */
    private static Request releaseRequest(String reservationKey, String member) {
        return Request.cmd(Command.EVAL).arg(RELEASE_RESERVATION).arg(2).arg(reservationKey)
                .arg(RedisKeys.reservationTotal(reservationKey)).arg(member);
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

    /** One script call; the caller counts the round trip (the scripts of one admission are sent at once, one wait). */
    private Uni<Response> evalsha(String script, String sha, List<String> keys, List<String> args) {
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
