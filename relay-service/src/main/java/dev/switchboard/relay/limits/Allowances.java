package dev.switchboard.relay.limits;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.store.LimitStore;
import dev.switchboard.relay.store.LimitStore.GroupBudget;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Local admission for keys far from their limits: a replica takes a <em>block</em> of allowances for a key from
 * Redis — B requests of its rpm window, C concurrency leases of its user, S micro-USD reserved against the user's
 * balance and the group's budget — and admits from it without a round trip until it runs out or
 * {@code allowance-ttl} passes. A block is granted only while every limit has room for {@code allowance-headroom}
 * blocks; near a limit the grant is refused and admission is exact, one script per request.
 *
 * <p>Blocks are fetched in the background: the request that finds none (or its block half used) is admitted
 * exactly and starts the grant; one grant per key at a time. What a retired block did not use goes back to Redis
 * (unused rpm slots, free leases, its reservation). A lease taken from a block is an ordinary lease in Redis, so
 * it is refreshed and released like one.
 *
 * <p>Worst case per replica and key: rpm and concurrency are counted in Redis before they are used, so they
 * overshoot nothing; spend overshoots by at most the estimates of the requests still in flight when their block's
 * reservation is given back (at most S), on top of the per-request tolerance of the estimates themselves.
 */
final class Allowances {

    private static final Logger LOG = Logger.getLogger(Allowances.class);

    /** How a local admission gets its lease: LimitService's, so that refresh and release work as for any lease. */
    interface Leases {
        Lease hold(long userId, String leaseId, Block block);
    }

    private final LimitStore store;
    private final LimitsConfig config;
    private final LongSupplier clock;
    private final String replica;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, KeyBlocks> byKey = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    Allowances(LimitStore store, LimitsConfig config, LongSupplier clock, String replica) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        // unique per instance, not only per process: two instances in one JVM (tests) must never share a lease id
        this.replica = replica + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".";
    }

    boolean enabled() {
        return config.allowanceRequests() > 0;
    }

    /**
     * An admission from the key's block, or null when it has none usable (the caller decides exactly); starts
     * fetching the next block when the key has none or its block is half used.
     */
    Admission tryLocal(ApiKeySnapshot key, long estimateMicros, Leases leases) {
        if (estimateMicros <= 0 && LimitService.metered(key)) {
            return null; // a block's spend is sized from the estimate: without one, only exact admission guards money
        }
        long now = clock.getAsLong();
        KeyBlocks kb = byKey.computeIfAbsent(key.apiKeyId(), id -> new KeyBlocks());
        Admission a = kb.take(key, estimateMicros, now, leases);
        if (kb.wantsMore(key, now)) {
            grant(kb, key, estimateMicros, now);
        }
        return a;
    }

    /**
     * An admission from a block this replica already holds for the key, fetching nothing: for a request the exact
     * script refused for its rate or concurrency while the slots it lacked sat unused in this replica's block.
     */
    Admission takeHeld(ApiKeySnapshot key, long estimateMicros, Leases leases) {
        if (estimateMicros <= 0 && LimitService.metered(key)) {
            return null;
        }
        KeyBlocks kb = byKey.get(key.apiKeyId());
        return kb == null ? null : kb.take(key, estimateMicros, clock.getAsLong(), leases);
    }

    /** Retires expired blocks of every key (unused allowances go back to Redis); called periodically. */
    void sweep() {
        long now = clock.getAsLong();
        byKey.forEach((id, kb) -> {
            if (kb.sweep(now)) {
                byKey.remove(id, kb);
            }
        });
    }

    /** Retires every block (shutdown); a block granted after this is given back as it arrives. */
    void retireAll() {
        stopped = true;
        byKey.values().forEach(kb -> kb.sweep(Long.MAX_VALUE));
        byKey.clear();
    }

    private void grant(KeyBlocks kb, ApiKeySnapshot key, long estimateMicros, long now) {
        if (!kb.granting.compareAndSet(0, 1)) {
            return;
        }
        GroupSnapshot group = key.group();
        Integer rpm = key.rpmLimit();
        Integer concurrency = key.user() == null ? null : key.user().concurrency();
        Long balance = key.user() == null || key.user().balanceUsd() == null ? null : SpendPeriod.micros(key.user().balanceUsd());
        GroupBudget budget = LimitService.hasSpendLimits(group) ? LimitService.budget(group, Instant.ofEpochMilli(now)) : null;
        boolean spend = balance != null || budget != null;
        // sized to the key's limits: a block is at most 1/(2F) of each, so a key with a small limit still gets blocks
        // while it is far from it, and one whose limit cannot hold two requests per block is always exact
        long share = 2L * Math.max(1, config.allowanceHeadroom());
        long perBlock = blockRequests(kb);
        int requests = rpm == null ? 0 : (int) Math.min(perBlock, rpm / share);
        int slots = concurrency == null ? 0 : (int) Math.min(config.allowanceSlots(), concurrency / share);
        long perRequest = Math.max(1, estimateMicros);
        long spendRequests = spend ? Math.min(rpm == null ? perBlock : requests,
                spendCap(balance, group) / share / perRequest) : 0;
        if (rpm != null && requests < 2 || concurrency != null && slots < 1 || spend && spendRequests < 2) {
            kb.nearUntilMs = now + config.allowanceTtl().toMillis();
            kb.granting.set(0);
            return;
        }
        long spendMicros = spend ? perRequest * spendRequests : 0;
        String id = "b." + replica + Long.toString(sequence.incrementAndGet(), 36);
        long windowMs = config.rateWindow().toMillis();
        LimitStore.BlockRequest request = new LimitStore.BlockRequest(id, requests, slots, spendMicros,
                config.reservationTtl().toMillis(), config.allowanceHeadroom());
        store.grant(key.apiKeyId(), key.userId(), group == null ? 0 : group.id(), now, rpm, windowMs, concurrency,
                config.leaseTtl().toMillis(), balance, budget, request).subscribe().with(granted -> {
                    long at = clock.getAsLong();
                    if (Boolean.TRUE.equals(granted)) {
                        List<String> reservations = new ArrayList<>(2);
                        if (spendMicros > 0 && budget != null) {
                            reservations.add(RedisKeys.groupReservations(group.id()));
                        }
                        if (spendMicros > 0 && balance != null) {
                            reservations.add(RedisKeys.userReservations(key.userId()));
                        }
                        String bucket = rpm == null ? null : LimitStore.rateBucket(key.userId(), key.apiKeyId(), Math.floorDiv(now, windowMs));
                        Block block = new Block(key, id, rpm == null ? Long.MAX_VALUE : requests, spend ? spendMicros : Long.MAX_VALUE,
                                concurrency == null ? null : slots, bucket, reservations, at, at + config.allowanceTtl().toMillis());
                        if (stopped) {
                            retire(block);
                        } else {
                            kb.add(block);
                        }
                    } else {
                        kb.nearUntilMs = at + config.allowanceTtl().toMillis(); // exact admission for a while
                    }
                    kb.granting.set(0);
                }, err -> {
                    kb.nearUntilMs = clock.getAsLong() + config.allowanceTtl().toMillis();
                    kb.granting.set(0);
                    LOG.debugf("allowance grant failed: %s", err.getClass().getSimpleName());
                });
    }

    /** Requests of the key's next block: the base size times its growth, at most {@code allowance-max-requests}. */
    private long blockRequests(KeyBlocks kb) {
        long base = config.allowanceRequests();
        return Math.max(base, Math.min((long) base * kb.scale, config.allowanceMaxRequests()));
    }

    /** Requests of the next block this replica would ask for the key; 0 when it has asked none (diagnostics, tests). */
    long nextBlockRequests(long apiKeyId) {
        KeyBlocks kb = byKey.get(apiKeyId);
        return kb == null ? 0 : blockRequests(kb);
    }

    /** The blocks of one key: the one in use and at most one spare fetched ahead. */
    private final class KeyBlocks {
        final AtomicInteger granting = new AtomicInteger();
        volatile long nearUntilMs;
        /** Growth of the next block (a power of two): up while blocks are used up fast, down while they expire unused. */
        volatile int scale = 1;
        private volatile Block current;
        private volatile Block spare;

        Admission take(ApiKeySnapshot key, long estimateMicros, long now, Leases leases) {
            for (int i = 0; i < 2; i++) {
                Block b = current;
                if (b == null) {
                    if (!promote(null)) {
                        return null;
                    }
                    continue;
                }
                if (b.expiresMs <= now) {
                    retireExpired(b);
                    promote(b);
                    continue;
                }
                if (!b.grantedUnder(key)) {
                    retire(b);
                    promote(b);
                    continue;
                }
                Admission a = b.take(estimateMicros, leases);
                if (a != null) {
                    return a;
                }
                retireUsedUp(b, now);
                promote(b);
            }
            return null;
        }

        /**
         * A block out of requests or spend within half its TTL makes the next one twice as large (out of leases says
         * nothing about the rate). Only the caller whose retire wins adjusts, so racing takes double it once.
         */
        private void retireUsedUp(Block b, long now) {
            boolean fast = now - b.grantedMs < config.allowanceTtl().toMillis() / 2
                    && (b.freeSlots == null || !b.freeSlots.isEmpty());
            if (retire(b) && fast && blockRequests(this) < config.allowanceMaxRequests()) {
                scale = scale * 2; // never past the most, so that the first quiet block shrinks the next one
            }
        }

        /** A block that lived its whole TTL with more than half of its requests and spend left: the next one half as large. */
        private void retireExpired(Block b) {
            boolean idle = b.requestsLeft.get() > b.requests / 2 && b.spendLeft.get() > b.spendMicros / 2;
            if (retire(b) && idle && scale > 1) {
                scale = scale / 2;
            }
        }

        /** Moves the spare in place of {@code used} (null: of an empty slot); false when there is none. */
        private synchronized boolean promote(Block used) {
            if (current != used) {
                return current != null; // another thread promoted already
            }
            current = spare;
            spare = null;
            return current != null;
        }

        synchronized void add(Block b) {
            if (current == null) {
                current = b;
            } else if (spare == null) {
                spare = b;
            } else {
                retire(b); // cannot happen with one grant at a time; never leak it
            }
        }

        /** One more block is worth fetching: none in use, or the one in use half gone and no spare yet. */
        boolean wantsMore(ApiKeySnapshot key, long now) {
            if (granting.get() != 0 || now < nearUntilMs || spare != null) {
                return false;
            }
            Block b = current;
            return b == null || !b.grantedUnder(key) || b.low() || b.expiresMs - now < config.allowanceTtl().toMillis() / 2;
        }

        /** Retires expired blocks; true when nothing is left for this key. */
        synchronized boolean sweep(long now) {
            if (spare != null && spare.expiresMs <= now) {
                retireExpired(spare);
                spare = null;
            }
            if (current != null && current.expiresMs <= now) {
                retireExpired(current);
                current = spare;
                spare = null;
            }
            return current == null && spare == null && granting.get() == 0 && now >= nearUntilMs;
        }
    }

    /** The smallest money limit of the key (micro-USD): its balance or a budget of its group. */
    private static long spendCap(Long balanceMicros, GroupSnapshot g) {
        long cap = balanceMicros == null ? Long.MAX_VALUE : Math.max(0, balanceMicros);
        if (g != null) {
            for (BigDecimal limit : LimitService.limits(g)) {
                if (limit != null) {
                    cap = Math.min(cap, SpendPeriod.micros(limit));
                }
            }
        }
        return cap;
    }

    /**
     * What a block was granted under: the key's limits, not its snapshot version (which moves with every ledger
     * debit of the balance, while what is left of it does not: the ledger settles the spend it debits).
     */
    static long fingerprint(ApiKeySnapshot k) {
        GroupSnapshot g = k.group();
        return Objects.hash(k.apiKeyId(), k.rpmLimit(), k.user() == null ? null : k.user().concurrency(),
                k.user() == null || k.user().balanceUsd() == null, g == null ? null : g.id(),
                g == null ? null : g.dailyLimitUsd(), g == null ? null : g.weeklyLimitUsd(),
                g == null ? null : g.monthlyLimitUsd(), g == null ? null : g.rateMultiplier());
    }

    /** Gives back what the block did not use; true for the one caller that retired it. */
    private boolean retire(Block b) {
        if (!b.retire()) {
            return false;
        }
        List<String> free = new ArrayList<>();
        String slot;
        while (b.freeSlots != null && (slot = b.freeSlots.poll()) != null) {
            free.add(slot);
        }
        long unused = b.requestsLeft.getAndSet(0);
        try {
            store.returnBlock(b.rateBucket, b.rateBucket == null ? 0 : unused, b.userId, free, b.reservations,
                    b.id + ":" + b.spendMicros);
        } catch (RuntimeException e) { // the Redis client is gone (after shutdown): the block expires on its own
            LOG.debugf("allowance block not returned: %s", e.getClass().getSimpleName());
        }
        return true;
    }

    /** One block of allowances; its counters are claimed atomically so a retire and a take never both win. */
    static final class Block {
        final String id;
        final long userId;
        final long limits;
        final ApiKeySnapshot snapshot;
        final GroupSnapshot group;
        final AtomicLong requestsLeft;
        final AtomicLong spendLeft;
        final long requests;
        final long spendMicros;
        final ConcurrentLinkedQueue<String> freeSlots;
        final String rateBucket;
        final List<String> reservations;
        final long grantedMs;
        final long expiresMs;
        private volatile boolean retired;

        Block(ApiKeySnapshot key, String id, long requests, long spendMicros, Integer slots, String rateBucket,
                List<String> reservations, long grantedMs, long expiresMs) {
            this.id = id;
            this.userId = key.userId();
            this.limits = fingerprint(key);
            this.snapshot = key;
            this.group = key.group();
            this.requests = requests;
            this.requestsLeft = new AtomicLong(requests);
            this.spendMicros = spendMicros;
            this.spendLeft = new AtomicLong(spendMicros);
            this.rateBucket = rateBucket;
            this.reservations = List.copyOf(reservations);
            this.grantedMs = grantedMs;
            this.expiresMs = expiresMs;
            if (slots == null) {
                this.freeSlots = null;
            } else {
                this.freeSlots = new ConcurrentLinkedQueue<>();
                for (int i = 1; i <= slots; i++) {
                    freeSlots.add(id + "." + i);
                }
            }
        }

        /*
         * Synchronized with retire(): a take that claimed a request and then gave it back (no spend or slot left)
         * must not straddle the retire's count of unused requests, or that request is neither used nor returned and
         * Redis counts it twice (once in the block, once in the exact admission that serves it instead).
         */
        synchronized Admission take(long estimateMicros, Leases leases) {
            if (retired) {
                return null;
            }
            if (requestsLeft.decrementAndGet() < 0) {
                requestsLeft.incrementAndGet();
                return null;
            }
            long cost = Math.max(0, estimateMicros);
            if (spendLeft.addAndGet(-cost) < 0) {
                spendLeft.addAndGet(cost);
                requestsLeft.incrementAndGet();
                return null;
            }
            Lease lease = Lease.NONE;
            if (freeSlots != null) {
                String slot = freeSlots.poll();
                if (slot == null) {
                    spendLeft.addAndGet(cost);
                    requestsLeft.incrementAndGet();
                    return null;
                }
                lease = leases.hold(userId, slot, this);
            }
            return Admission.allow(group, lease, null);
        }

        /** The key's limits are those the block was granted under (the same snapshot object: no hashing at all). */
        boolean grantedUnder(ApiKeySnapshot key) {
            if (key == snapshot) {
                return true;
            }
            return limits == fingerprint(key);
        }

        /** Half of some allowance is gone. */
        boolean low() {
            return requestsLeft.get() < requests / 2 || spendLeft.get() < spendMicros / 2
                    || freeSlots != null && freeSlots.isEmpty();
        }

        /** A finished request's lease back into the block; false when the block is retired (release it in Redis). */
        boolean giveBack(String slot) {
            if (retired) {
                return false;
            }
            freeSlots.offer(slot);
            return !(retired && freeSlots.remove(slot)); // retired meanwhile: the retire may not have seen it
        }

        /** Marks it retired; true for the one caller that does. No take is half done once this returns. */
        private synchronized boolean retire() {
            if (retired) {
                return false;
            }
            retired = true;
            return true;
        }
    }
}
