package dev.switchboard.relay.limits;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.relay.store.LimitStore.GroupBudget;
import dev.switchboard.relay.store.LimitStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Admission control before routing: requests per minute of the key (sliding-window counter), concurrent requests
 * of the user (self-expiring leases), daily/weekly/monthly spend of the group with its fallback chain,
 * and the user's prepaid balance. All of it is decided by one Lua script in one Redis round trip; a key
 * without any limit costs no round trip at all.
 *
 * <p>Precedence of refusals: budget (after trying every fallback group) → balance → rate → concurrency.
 * Only when every check passes does the script count the request in the rate window and take a lease,
 * so a refused request consumes nothing.
 *
 * <p>The rpm limit is a sliding-window counter, not an exact log: one counter per {@code rate-window}
 * bucket, and the estimate for the last window is the previous bucket weighted by the share of it
 * still inside the window plus the current bucket. It is exact when the previous bucket's requests
 * were evenly spread; a burst at the end of the previous bucket is under-counted, one at its start
 * over-counted (bounded by the previous bucket's count).
 *
 * <p>Redis unreachable (error or no reply within {@code redis-timeout}): rate and concurrency fail open;
 * budgets and balance fail open for {@code spend-fail-open-grace}, then closed (503 limits_unavailable)
 * for keys that have a spend limit or a metered balance. A balance already at or below zero in the
 * snapshot is refused (402) without Redis.
 */
// @Singleton, not @ApplicationScoped: called on every request, and a client proxy costs a context lookup per call
@Singleton
public class LimitService {

    private static final Logger LOG = Logger.getLogger(LimitService.class);

    /** Random per process: with {@link #sequence} it makes admission tokens unique across replicas without a UUID per request. */
    private static final String REPLICA = Long.toString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".";

    private final AtomicLong sequence = new AtomicLong();
    private final LimitStore store;
    private final LimitsConfig config;
    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter redisFailures;
    private final AtomicLong degradedDecisions = new AtomicLong();
    private final Map<String, HeldLease> held = new ConcurrentHashMap<>();
    private final AtomicLong downSinceMs = new AtomicLong();
    private volatile long skipRedisUntilMs;
    private final Vertx vertx;
    private final long refreshTimer;
    private final long releaseTimer;
    private final long sweepTimer;
    private final Allowances allowances;
    private final Counter localAdmissions;
    private final Counter redisAdmissions;
    /** Released leases waiting for the next release pipeline (only with a Vert.x timer to flush them). */
    private final java.util.concurrent.ConcurrentLinkedQueue<HeldLease> releases = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Inject
    public LimitService(LimitStore store, LimitsConfig config, MeterRegistry registry, Vertx vertx) {
        this(store, config, registry, vertx, System::currentTimeMillis);
    }

    /** For tests: an explicit clock (epoch millis). */
    public LimitService(LimitStore store, LimitsConfig config, MeterRegistry registry, Vertx vertx, LongSupplier clock) {
        this.store = store;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.vertx = vertx;
        this.redisFailures = Counter.builder("switchboard.limit.redis.failures")
                .description("Admissions decided without Redis (error or timeout)").register(registry);
        this.refreshTimer = vertx == null ? -1
                : vertx.setPeriodic(Math.max(100, config.leaseRefreshInterval().toMillis()), id -> refreshLeases());
        this.releaseTimer = vertx == null ? -1 : vertx.setPeriodic(RELEASE_EVERY_MS, id -> flushReleases());
        this.allowances = new Allowances(store, config, clock, REPLICA);
        this.sweepTimer = vertx == null || !allowances.enabled() ? -1
                : vertx.setPeriodic(Math.max(100, config.allowanceTtl().toMillis() / 2), id -> allowances.sweep());
        this.localAdmissions = Counter.builder("switchboard.limit.admissions").tag("path", "local")
                .description("Admissions of limited keys, by where they were decided").register(registry);
        this.redisAdmissions = Counter.builder("switchboard.limit.admissions").tag("path", "redis")
                .description("Admissions of limited keys, by where they were decided").register(registry);
        FunctionCounter.builder("switchboard.limit.redis.round.trips", store,
                LimitStore::admissionRoundTrips)
                .description("Redis round trips of admission: per-request scripts, block grants and returns").register(registry);
    }

    private volatile dev.switchboard.relay.store.RedisStatus redisStatus;

    /**
     * Redis known down (the background probe or another request-path call timed out): admissions decide
     * locally at once instead of each paying {@code redis-timeout} after every {@code redis-retry-interval}.
     */
    @Inject
    void redisStatus(dev.switchboard.relay.store.RedisStatus status) {
        this.redisStatus = status;
    }

    /** Released leases are given back to Redis in one pipeline at most this long after release(). */
    static final long RELEASE_EVERY_MS = 10;

    /** Gives back what the blocks of local allowances did not use while the Redis client is still there. */
    void onShutdown(@Observes ShutdownEvent event) {
        allowances.retireAll();
    }

    @PreDestroy
    void stop() {
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
            vertx.cancelTimer(releaseTimer);
        }
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        allowances.retireAll();
        flushReleases();
    }

    /** Sends the gathered lease releases: one pipeline, one ZREM per user. */
    void flushReleases() {
        if (releases.isEmpty()) {
            return;
        }
        Map<Long, List<String>> byUser = new HashMap<>();
        HeldLease l;
        int n = 0;
        while (n++ < 10_000 && (l = releases.poll()) != null) {
            byUser.computeIfAbsent(l.userId, u -> new ArrayList<>()).add(l.leaseId);
        }
        try {
            store.releaseAll(byUser);
        } catch (RuntimeException e) {
            LOG.debugf("lease release failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Decides whether the request may proceed and under which group, reserving nothing. Never fails. */
    public Uni<Admission> admit(ApiKeySnapshot key, String requestId) {
        return admit(key, requestId, 0);
    }

    /**
     * Decides whether the request may proceed and under which group. Never fails.
     *
     * @param estimateMicros what the request may cost at most (micro-USD), reserved against the user's balance
     *        and the serving group's budgets until its usage is recorded; 0 reserves nothing
     */
    public Uni<Admission> admit(ApiKeySnapshot key, String requestId, long estimateMicros) {
        GroupSnapshot group = key.group();
        if (!config.enabled()) {
            return Uni.createFrom().item(Admission.allow(group, Lease.NONE));
        }
        UserSnapshot user = key.user();
        Integer rpm = key.rpmLimit();
        Integer concurrency = user == null ? null : user.concurrency();
        BigDecimal balance = user == null ? null : user.balanceUsd();
        boolean spendLimited = hasSpendLimits(group);
        if (rpm == null && concurrency == null && balance == null && !spendLimited) {
            return Uni.createFrom().item(Admission.allow(group, Lease.NONE));
        }
        if (allowances.enabled()) {
            Admission local = allowances.tryLocal(key, estimateMicros, this::holdBlockLease);
            if (local != null) {
                localAdmissions.increment();
                // a caller that cancels before the item reaches it never releases the lease: give it back here
                return Uni.createFrom().item(local).onCancellation().invoke(() -> local.lease().release());
            }
        }
        long now = clock.getAsLong();
        if (now < skipRedisUntilMs) {
            return Uni.createFrom().item(degraded(key, now));
        }
        dev.switchboard.relay.store.RedisStatus status = redisStatus;
        if (status != null && !status.up()) {
            noRedis("known down");
            return Uni.createFrom().item(degraded(key, now));
        }
        Instant at = Instant.ofEpochMilli(now);
        List<GroupSnapshot> chain = spendLimited ? chain(key) : List.of();
        List<GroupBudget> budgets = new ArrayList<>(chain.size());
        for (GroupSnapshot g : chain) {
            budgets.add(budget(g, at));
        }
        // unique per admission even when a client reuses its x-request-id: the lease id
        String token = (requestId == null || requestId.isBlank() ? "r" : requestId) + ":" + REPLICA + Long.toString(sequence.incrementAndGet(), 36);
        String leaseId = concurrency == null ? "-" : token;
        long userId = key.userId();
        long windowMs = config.rateWindow().toMillis();
        Long balanceMicro = balance == null ? null : SpendPeriod.micros(balance);
        LimitStore.Reserve reserve = estimateMicros > 0 && (balance != null || spendLimited)
                ? new LimitStore.Reserve(estimateMicros, config.reservationTtl().toMillis(), token + ":" + estimateMicros)
                : LimitStore.Reserve.NONE;
        redisAdmissions.increment();
        return Uni.createFrom().deferred(() -> {
            Pending p = new Pending(key, chain, at, windowMs, concurrency == null ? null : leaseId, reserve, estimateMicros);
            p.start(store.admit(key.apiKeyId(), userId, now, token, rpm, windowMs, leaseId, concurrency,
                    config.leaseTtl().toMillis(), balanceMicro, budgets, reserve));
            return Uni.createFrom().completionStage(p.result).onCancellation().invoke(p::cancelled);
        });
    }

    /**
     * One admission round trip and who owns the lease it may grant. Exactly one of three things answers
     * the caller — the script's reply, the {@code redis-timeout} timer (degraded decision), or nothing
     * because the caller cancelled — and a lease granted by a script whose answer did not reach the
     * caller is released <em>after</em> the script ran. (Releasing on timeout, before the reply, could
     * reach Redis before the script itself and leak the slot for a whole lease TTL.)
     */
    private final class Pending {
        private static final int WAITING = 0;
        private static final int ANSWERED = 1;
        private static final int CANCELLED = 2;

        final CompletableFuture<Admission> result = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final ApiKeySnapshot key;
        private final List<GroupSnapshot> chain;
        private final Instant at;
        private final long windowMs;
        private final String leaseId;
        private final LimitStore.Reserve reserve;
        private final long estimateMicros;
        private volatile Admission answered;
        private volatile long timer = -1;
        private volatile java.util.concurrent.ScheduledFuture<?> scheduled;

        Pending(ApiKeySnapshot key, List<GroupSnapshot> chain, Instant at, long windowMs, String leaseId,
                LimitStore.Reserve reserve, long estimateMicros) {
            this.key = key;
            this.reserve = reserve;
            this.estimateMicros = estimateMicros;
            this.chain = chain;
            this.at = at;
            this.windowMs = windowMs;
            this.leaseId = leaseId;
        }

        void start(Uni<List<String>> call) {
            long timeoutMs = Math.max(1, config.redisTimeout().toMillis());
            if (vertx != null) {
                timer = vertx.setTimer(timeoutMs, id -> timedOut());
            } else {
                scheduled = Infrastructure.getDefaultWorkerPool().schedule(this::timedOut, timeoutMs, TimeUnit.MILLISECONDS);
            }
            // subscribed to its end: a timeout or a cancel never abandons a script that may still grant a lease
            call.subscribe().with(this::replied, this::failed);
        }

        private void stopTimer() {
            if (timer >= 0 && vertx != null) {
                vertx.cancelTimer(timer);
            }
            java.util.concurrent.ScheduledFuture<?> f = scheduled;
            if (f != null) {
                f.cancel(false);
            }
        }

        private void replied(List<String> reply) {
            stopTimer();
            downSinceMs.set(0);
            Admission a;
            try {
                a = decide(reply, key, chain, at, windowMs, leaseId, reserve, estimateMicros);
            } catch (RuntimeException ex) {
                LOG.warnf("unexpected limit script reply (%s); deciding without Redis", ex.getClass().getSimpleName());
                a = degraded(key, clock.getAsLong());
            }
            answer(a);
        }

        private void failed(Throwable e) {
            stopTimer();
            if (leaseId != null) {
                // the script may have run before the failure: give back a lease nobody will release
                store.release(key.userId(), leaseId);
            }
            if (reserve.micros() > 0) {
                store.releaseReservation(reservationKeys(key, chain), reserve.member()); // likewise
            }
            if (state.get() == WAITING) {
                noRedis(e.getClass().getSimpleName());
                answer(degraded(key, clock.getAsLong()));
            }
        }

        private void timedOut() {
            if (state.get() == WAITING) {
                noRedis("timeout");
                answer(degraded(key, clock.getAsLong()));
            }
        }

        /** Hands the admission to the caller, or gives its lease back when someone else answered first. */
        private void answer(Admission a) {
            answered = a;
            if (state.compareAndSet(WAITING, ANSWERED)) {
                result.complete(a);
            } else {
                giveBack(a);
            }
        }

        /** The caller cancelled before an answer passed through to it. */
        void cancelled() {
            if (!state.compareAndSet(WAITING, CANCELLED)) {
                // answered, but the cancel won the race downstream: the caller never sees this lease
                Admission a = answered;
                if (a != null) {
                    giveBack(a);
                }
            }
            result.cancel(false);
        }

        private void giveBack(Admission a) {
            if (a.lease() != null) {
                a.lease().release();
            }
            if (a.reservation() != null) {
                release(a.reservation());
            }
        }
    }

    /**
     * Drops a reservation whose request ends without a usage record. A request that is recorded needs no call:
     * the usage batch that adds its cost removes its reservation in the same script.
     */
    public void release(Reservation r) {
        store.releaseReservation(r.keys(), r.member());
    }

    /** Every set a reservation of this admission may be in: the user's and each group's of the chain. */
    private static List<String> reservationKeys(ApiKeySnapshot key, List<GroupSnapshot> chain) {
        List<String> keys = new ArrayList<>(chain.size() + 1);
        keys.add(RedisKeys.userReservations(key.userId()));
        chain.forEach(g -> keys.add(RedisKeys.groupReservations(g.id())));
        return keys;
    }

    private void noRedis(String why) {
        long t = clock.getAsLong();
        downSinceMs.compareAndSet(0, t);
        skipRedisUntilMs = t + config.redisRetryInterval().toMillis();
        redisFailures.increment();
        LOG.warnf("limit check failed (%s); deciding without Redis", why);
    }

    /** Output tokens an estimate assumes for a request that does not cap them. */
    public long reserveOutputTokens() {
        return config.reserveOutputTokens();
    }

    /** Requests of the next block of local allowances this replica would ask for the key; 0 before any (tests). */
    long nextBlockRequests(ApiKeySnapshot key) {
        return allowances.nextBlockRequests(key.apiKeyId());
    }

    /** Admissions taken from blocks of local allowances since start (diagnostics, tests). */
    public long localAdmissions() {
        return (long) localAdmissions.count();
    }

    /** Number of admissions decided without Redis since start (diagnostics, benchmark). */
    public long degradedDecisions() {
        return degradedDecisions.get();
    }

    /** Number of leases this replica holds and still refreshes. */
    public int heldLeases() {
        return held.size();
    }

    private Admission decide(List<String> reply, ApiKeySnapshot key, List<GroupSnapshot> chain, Instant at,
            long windowMs, String leaseId, LimitStore.Reserve reserve, long estimateMicros) {
        if ("1".equals(reply.get(0))) {
            int chosen = Integer.parseInt(reply.get(1));
            GroupSnapshot group = chosen == 0 ? key.group() : chain.get(chosen - 1);
            Lease lease = leaseId == null ? Lease.NONE : hold(key.userId(), leaseId, at.toEpochMilli());
            List<String> held = new ArrayList<>(2);
            if (reply.size() > 3 && "1".equals(reply.get(2))) {
                held.add(RedisKeys.groupReservations(group.id()));
            }
            if (reply.size() > 3 && "1".equals(reply.get(3))) {
                held.add(RedisKeys.userReservations(key.userId()));
            }
            return Admission.allow(group, lease, held.isEmpty() ? null : new Reservation(held, reserve.member()));
        }
        Refusal refusal = switch (reply.get(1)) {
            case "budget" -> new Refusal(429, Refusal.BUDGET, budgetMessage(key.group(), reply), budgetRetryAfter(chain, reply, at));
            case "balance" -> new Refusal(402, Refusal.BALANCE, reply.size() > 2 && "1".equals(reply.get(2))
                    ? "Insufficient prepaid balance: what is left is reserved by this account's requests in flight."
                    : "Insufficient prepaid balance.", null);
            case "rate" -> new Refusal(429, Refusal.RATE_LIMIT,
                    "Rate limit of " + key.rpmLimit() + " requests per " + config.rateWindow().toSeconds() + " s exceeded for this API key.",
                    ceilSeconds(LimitStore.rateRetryAfterMs(Long.parseLong(reply.get(2)), Long.parseLong(reply.get(3)),
                            key.rpmLimit(), at.toEpochMilli(), windowMs)));
            default -> new Refusal(429, Refusal.CONCURRENCY_LIMIT,
                    "Too many concurrent requests (limit " + key.user().concurrency() + ").",
                    ceilSeconds(config.concurrencyRetryAfter().toMillis()));
        };
        if (allowances.enabled() && (Refusal.RATE_LIMIT.equals(refusal.code()) || Refusal.CONCURRENCY_LIMIT.equals(refusal.code()))) {
            // what Redis counts as used may be slots of this replica's own block that nobody uses yet
            Admission held = allowances.takeHeld(key, estimateMicros, this::holdBlockLease);
            if (held != null) {
                localAdmissions.increment();
                return held;
            }
        }
        return refuse(key.group(), refusal);
    }

    private Admission degraded(ApiKeySnapshot key, long now) {
        degradedDecisions.incrementAndGet();
        BigDecimal balance = key.user() == null ? null : key.user().balanceUsd();
        if (balance != null && balance.signum() <= 0) {
            return refuse(key.group(), new Refusal(402, Refusal.BALANCE, "Insufficient prepaid balance.", null));
        }
        long down = downSinceMs.get();
        if (metered(key) && down > 0 && now - down > config.spendFailOpenGrace().toMillis()) {
            return refuse(key.group(), new Refusal(503, Refusal.LIMITS_UNAVAILABLE,
                    "Spend limits cannot be checked right now; retry shortly.", ceilSeconds(config.redisRetryInterval().toMillis())));
        }
        return Admission.allow(key.group(), Lease.NONE);
    }

    private Admission refuse(GroupSnapshot group, Refusal refusal) {
        refusals.computeIfAbsent(refusal.code(), code -> Counter.builder("switchboard.limit.refusals")
                .description("Requests refused by tenant limits").tag("code", code).register(registry)).increment();
        return Admission.refuse(group, refusal);
    }

    /** The key's group then its active fallback groups, cut after the first group without spend limits. */
    static List<GroupSnapshot> chain(ApiKeySnapshot key) {
        List<GroupSnapshot> chain = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        List<GroupSnapshot> all = new ArrayList<>();
        all.add(key.group());
        all.addAll(key.fallbackGroups());
        for (GroupSnapshot g : all) {
            if (g == null || !seen.add(g.id())) {
                continue;
            }
            if (!chain.isEmpty() && g.status() != null && !"active".equals(g.status())) {
                continue;
            }
            chain.add(g);
            if (!hasSpendLimits(g)) {
                break;
            }
        }
        return chain;
    }

    /**
     * Whether the tenant's usage moves money: its user has a prepaid balance, or its group a spend budget (a
     * fallback group only ever counts after a group with a budget, so the key's group decides). A metered tenant
     * is refused instead of served unpriced ({@code model_not_priced}), and fails closed on spend once Redis has
     * been unreachable for longer than the grace period. Decided from the snapshot alone, whether or not limits
     * are enforced: the ledger debits either way.
     */
    public static boolean metered(ApiKeySnapshot key) {
        return key.user() != null && key.user().balanceUsd() != null || hasSpendLimits(key.group());
    }

    static boolean hasSpendLimits(GroupSnapshot g) {
        return g != null && (g.dailyLimitUsd() != null || g.weeklyLimitUsd() != null || g.monthlyLimitUsd() != null);
    }

    static List<BigDecimal> limits(GroupSnapshot g) {
        return java.util.Arrays.asList(g.dailyLimitUsd(), g.weeklyLimitUsd(), g.monthlyLimitUsd());
    }

    static GroupBudget budget(GroupSnapshot g, Instant at) {
        List<String> keys = new ArrayList<>(3);
        List<Long> micros = new ArrayList<>(3);
        List<BigDecimal> limits = limits(g);
        for (SpendPeriod p : SpendPeriod.values()) {
            BigDecimal limit = limits.get(p.ordinal());
            if (limit != null) {
                keys.add(RedisKeys.groupSpend(g.id(), p.id(at)));
                micros.add(SpendPeriod.micros(limit));
            }
        }
        return new GroupBudget(RedisKeys.groupReservations(g.id()), keys, micros);
    }

    /** Periods (of the limited ones, in DAY, WEEK, MONTH order) flagged in a script bit mask. */
    private static List<SpendPeriod> exceeded(GroupSnapshot g, long mask) {
        List<SpendPeriod> out = new ArrayList<>();
        List<BigDecimal> limits = limits(g);
        int bit = 0;
        for (SpendPeriod p : SpendPeriod.values()) {
            if (limits.get(p.ordinal()) != null) {
                if ((mask & (1L << bit)) != 0) {
                    out.add(p);
                }
                bit++;
            }
        }
        return out;
    }

    /** A group is usable again when all its exceeded periods have ended; the chain when its first group is. */
    private static Long budgetRetryAfter(List<GroupSnapshot> chain, List<String> reply, Instant at) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < chain.size() && i + 2 < reply.size(); i++) {
            long mask = (long) Double.parseDouble(reply.get(i + 2));
            long groupReady = 0;
            for (SpendPeriod p : exceeded(chain.get(i), mask)) {
                groupReady = Math.max(groupReady, p.end(at).toEpochMilli());
            }
            best = Math.min(best, groupReady);
        }
        return best == Long.MAX_VALUE ? null : ceilSeconds(best - at.toEpochMilli());
    }

    private static String budgetMessage(GroupSnapshot group, List<String> reply) {
        List<String> names = new ArrayList<>();
        if (reply.size() > 2) {
            for (SpendPeriod p : exceeded(group, (long) Double.parseDouble(reply.get(2)))) {
                names.add(p.adjective());
            }
        }
        String which = names.isEmpty() ? "spend" : String.join("/", names) + " spend";
        return "The " + which + " limit of your group is reached" + (reply.size() > 3 ? ", and of every fallback group." : ".");
    }

    private static long ceilSeconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }

    private Lease hold(long userId, String leaseId, long nowMs) {
        HeldLease lease = new HeldLease(userId, leaseId, nowMs, null);
        held.put(leaseId, lease);
        return lease;
    }

    /** A lease of a block of local allowances: refreshed like any, released back into its block while that lives. */
    private Lease holdBlockLease(long userId, String leaseId, Allowances.Block block) {
        HeldLease lease = new HeldLease(userId, leaseId, clock.getAsLong(), block);
        held.put(leaseId, lease);
        return lease;
    }

    /** Pushes the expiry of every lease this replica still holds, so long streams keep their slot. */
    void refreshLeases() {
        long now = clock.getAsLong();
        Map<Long, List<String>> byUser = new HashMap<>();
        long maxAge = config.leaseMaxLifetime().toMillis();
        for (HeldLease l : held.values()) {
            if (now - l.createdMs > maxAge) {
                held.remove(l.leaseId); // stop refreshing: it expires on its own
            } else {
                byUser.computeIfAbsent(l.userId, u -> new ArrayList<>()).add(l.leaseId);
            }
        }
        if (byUser.isEmpty()) {
            return;
        }
        store.refresh(byUser, now, config.leaseTtl().toMillis()).subscribe()
                .with(v -> { }, e -> LOG.debugf("lease refresh failed: %s", e.getClass().getSimpleName()));
    }

    private final class HeldLease implements Lease {
        final long userId;
        final String leaseId;
        final long createdMs;
        final Allowances.Block block;
        final AtomicBoolean released = new AtomicBoolean();

        HeldLease(long userId, String leaseId, long createdMs, Allowances.Block block) {
            this.userId = userId;
            this.leaseId = leaseId;
            this.createdMs = createdMs;
            this.block = block;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                held.remove(leaseId);
                if (block != null && block.giveBack(leaseId)) {
                    return; // free again in its block; the block gives it back to Redis when it retires
                }
                if (releaseTimer >= 0) {
                    releases.offer(this); // with the next release pipeline, within RELEASE_EVERY_MS
                    return;
                }
                try {
                    store.release(userId, leaseId);
                } catch (RuntimeException e) {
                    LOG.debugf("lease release failed: %s", e.getClass().getSimpleName());
                }
            }
        }
    }
}
