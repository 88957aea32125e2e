package dev.switchboard.relay.failover;

import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownPolicy;
import dev.switchboard.relay.routing.CooldownScope;
import dev.switchboard.relay.routing.CooldownSink;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.routing.CooldownView;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.FailoverSettings;
import dev.switchboard.relay.store.CooldownStore;
import dev.switchboard.relay.store.CooldownStore.ClearResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Cluster-wide cooldowns as the request path sees them.
 *
 * <p>Reads come from a near-cache only: the request path never waits for Redis. The near-cache is fed by
 * this replica's own decisions (at once), by {@code sb:cd:events} from every replica, and by a periodic
 * backstop re-read of Redis that also heals lost messages and drops entries gone from Redis. Writes go to
 * Redis fire-and-forget through {@link CooldownStore}, whose scripts keep deadlines extend-only even when
 * replicas race.
 *
 * <p>Half-open: an expired entry stays (in Redis and here) until a success clears it. The resolver marks a
 * candidate whose scopes are all expired with a probe scope; the runtime sends it only after
 * {@link #tryAcquireProbe} won, so one replica probes while the others keep skipping. A failed probe sets a
 * longer cooldown (more strikes), a successful one clears the scope everywhere.
 */
@ApplicationScoped
public class CooldownService implements CooldownView, CooldownSink {

    private static final Logger LOG = Logger.getLogger(CooldownService.class);
    /** Longest the request path waits for the probe lock before deciding on its own. */
    private static final Duration PROBE_LOCK_WAIT = Duration.ofSeconds(1);

    private final CooldownStore store;
    private final CooldownConfig config;
    private final CooldownPolicy policy;
    private final Vertx vertx;
    private final String replicaId;
    private final MeterRegistry meters;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Scopes cleared recently (scope → when), so a backstop read that started earlier cannot resurrect them. */
    private final Map<String, Long> cleared = new ConcurrentHashMap<>();
    /** Probe locks this replica holds (scope → local expiry); also keeps one probe per replica if Redis fails. */
    private final Map<String, Long> localProbes = new ConcurrentHashMap<>();

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean backstopBusy = new AtomicBoolean();
    private final AtomicLong subscriptionGeneration = new AtomicLong();
    private volatile ReactiveRedisSubscriber subscriber;
    private volatile boolean subscribed;
    private volatile long timerId = -1;
    private volatile Gauge activeGauge;
    private volatile long lastBackstopEpochMs;

    private record Cached(CooldownState state, long seenAtMs) {
    }

    @Inject
    CooldownService(ReplicaConfig replica, CooldownStore store, CooldownConfig config,
            Instance<CooldownPolicy> policies, Instance<FailoverSettings> settings, MeterRegistry meters, Vertx vertx) {
        this(store, config, policyOf(policies, settings), meters, vertx,
                replica.replicaId().filter(s -> !s.isBlank()).orElseGet(CooldownService::defaultReplicaId));
    }

    /** A service outside CDI (tests play several replicas in one JVM); call {@link #start()} and {@link #stop()}. */
    public CooldownService(CooldownStore store, CooldownConfig config, CooldownPolicy policy, MeterRegistry meters,
            Vertx vertx, String replicaId) {
        this.store = store;
        this.config = config;
        this.policy = policy;
        this.meters = meters;
        this.vertx = vertx;
        this.replicaId = replicaId;
    }

    private static CooldownPolicy policyOf(Instance<CooldownPolicy> policies, Instance<FailoverSettings> settings) {
        if (policies.isResolvable()) {
            return policies.get();
        }
        return new CooldownPolicy(settings.isResolvable() ? settings.get() : FailoverSettings.defaults());
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("relay");
        }
        return host + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    void onStart(@Observes StartupEvent event) {
        try {
            start().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("cooldowns not loaded at startup (%s); the backstop keeps retrying every %s",
                    e.getClass().getSimpleName(), config.backstopInterval());
        }
    }

    /** Before the Redis client closes, so the closing subscription is not mistaken for a lost one. */
    void onShutdown(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Subscribes to {@code sb:cd:events}, loads every cooldown and starts the backstop. The Uni completes when
     * the subscription is in place and the first load is done (or failed: the backstop retries).
     */
    public Uni<Void> start() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        // registered per start and removed at stop: a registry that outlives this instance (a restarted
        // application) must not keep reading a stopped one
        activeGauge = Gauge.builder("switchboard.cooldowns.active", this, s -> s.activeCount())
                .description("Cooldowns this replica currently honours (deadline not yet reached)")
                .register(meters);
        long period = Math.max(100, config.backstopInterval().toMillis());
        timerId = vertx.setPeriodic(period, id -> refresh().subscribe().with(x -> { }, t -> { }));
        return subscribe().onFailure().recoverWithNull().chain(this::refresh).replaceWithVoid();
    }

    @PreDestroy
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        subscriptionGeneration.incrementAndGet();
        Gauge gauge = activeGauge;
        if (gauge != null) {
            meters.remove(gauge);
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        ReactiveRedisSubscriber s = subscriber;
        subscriber = null;
        subscribed = false;
        if (s != null) {
            s.unsubscribe().subscribe().with(x -> { }, t -> { });
        }
    }

    /** The identifier this replica writes into the entries it sets ({@code switchboard.replica-id}). */
    public String replicaId() {
        return replicaId;
    }

    /** True while the {@code sb:cd:events} subscription is in place. */
    public boolean subscribed() {
        return subscribed;
    }

    /** Near-cache only; null = no entry. An expired entry is still returned: the scope is half-open. */
    @Override
    public CooldownState get(String scope) {
        Cached c = cache.get(scope);
        return c == null ? null : c.state();
    }

    /** Every cooldown this replica currently honours (deadline in the future), earliest first. */
    public List<CooldownState> active() {
        long now = System.currentTimeMillis();
        List<CooldownState> out = new ArrayList<>();
        for (Cached c : cache.values()) {
            if (c.state().activeAt(now)) {
                out.add(c.state());
            }
        }
        out.sort(Comparator.comparingLong(CooldownState::untilEpochMs).thenComparing(CooldownState::scope));
        return out;
    }

    /**
     * Records a failed attempt: cools the decision's scope (extend-only, growing with strikes), at once in
     * the near-cache and fire-and-forget in Redis. Ends this replica's probe if the candidate was one.
     *
     * @return the entry this replica now holds for the cooled scope (the new one, or a later one it
     *         already knew); null when the decision cools nothing
     */
    @Override
    public CooldownState onFailure(Candidate c, FailoverDecision d) {
        CooldownState held = null;
        String probeScope = c.probeScope();
        if (probeScope != null) {
            countProbe(d != null && d.action() == FailoverDecision.Action.STOP ? "abandoned" : "failed");
        }
        Uni<?> write = Uni.createFrom().voidItem();
        if (d != null && d.scope() != null) {
            String scope = d.scope().of(c);
            long now = System.currentTimeMillis();
            Cached prev = cache.get(scope);
            CooldownState existing = prev == null ? null : prev.state();
            CooldownState next = policy.next(existing, scope, d, now, replicaId);
            boolean extended = next != null && next.untilEpochMs() > now
                    && (existing == null || next.untilEpochMs() > existing.untilEpochMs());
            if (next != null && next.untilEpochMs() > 0 && !next.equals(existing)) {
                cache.merge(scope, new Cached(next, now), CooldownService::later); // strikes move even when not extended
            }
            Cached current = cache.get(scope);
            held = current == null ? next : current.state();
            if (extended) {
                cleared.remove(scope);
                Counter.builder("switchboard.cooldowns.set")
                        .description("Cooldowns set or extended by this replica")
                        .tag("scope_kind", d.scope().name().toLowerCase(Locale.ROOT))
                        .tag("reason", d.reason() == null ? "unknown" : d.reason())
                        .register(meters).increment();
                write = store.extend(next, ttlFor(next, now))
                        .invoke(x -> adopt(x.stored(), System.currentTimeMillis()))
                        .onFailure().invoke(t -> LOG.warnf("cooldown %s not written to Redis (%s); held locally",
                                scope, t.getClass().getSimpleName()))
                        .onFailure().recoverWithNull();
            }
        }
        if (probeScope != null) {
            // Released only after the new cooldown is in Redis: a lock gone before it would let another replica probe.
            write = write.chain(() -> releaseProbe(probeScope));
        }
        write.subscribe().with(x -> { }, t -> { });
        return held;
    }

    /**
     * Records a success: clears the candidate's half-open scopes this replica knows (no Redis call when it
     * knows none). A scope still cooling is left alone: it was set by a failure that raced this request.
     */
    @Override
    public void onSuccess(Candidate c) {
        String probeScope = c.probeScope();
        if (probeScope != null) {
            countProbe("succeeded");
        }
        long now = System.currentTimeMillis();
        Uni<?> writes = Uni.createFrom().voidItem();
        for (String scope : CooldownScope.all(c)) {
            Cached known = cache.get(scope);
            if (known == null || known.state().activeAt(now)) {
                continue;
            }
            if (cache.remove(scope, known)) {
                cleared.put(scope, now);
                long seenUntil = known.state().untilEpochMs();
                writes = writes.chain(() -> store.clearIfNotAfter(scope, seenUntil, replicaId)
                        .chain(r -> r == ClearResult.KEPT ? store.get(scope) : Uni.createFrom().<CooldownState>nullItem())
                        .invoke(newer -> adopt(newer, System.currentTimeMillis()))
                        .onFailure().invoke(t -> LOG.debugf("clearing cooldown %s in Redis failed: %s", scope,
                                t.getClass().getSimpleName()))
                        .onFailure().recoverWithNull());
            }
        }
        if (probeScope != null) {
            writes = writes.chain(() -> releaseProbe(probeScope));
        }
        writes.subscribe().with(x -> { }, t -> { });
    }

    /**
     * Tries to become the one replica that probes a half-open scope ({@code SET NX PX} in Redis, refused
     * while another holder probes or the scope is cooling again). If Redis does not answer, this replica
     * probes on its own, still at most once at a time.
     */
    public Uni<Boolean> tryAcquireProbe(String scope) {
        long now = System.currentTimeMillis();
        long timeoutMs = Math.max(1, config.probeLockTimeout().toMillis());
        long expiry = now + timeoutMs;
        Long held = localProbes.get(scope);
        boolean claimed = held == null ? localProbes.putIfAbsent(scope, expiry) == null
                : held <= now && localProbes.replace(scope, held, expiry);
        if (!claimed) {
            countProbe("busy");
            return Uni.createFrom().item(false);
        }
        return store.tryAcquireProbe(scope, replicaId, config.probeLockTimeout())
                .ifNoItem().after(PROBE_LOCK_WAIT).fail()
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("probe lock for %s unavailable (%s); probing from this replica alone", scope,
                            t.getClass().getSimpleName());
                    return true;
                })
                .invoke(won -> {
                    if (!won) {
                        localProbes.remove(scope, expiry);
                    }
                    countProbe(won ? "acquired" : "busy");
                });
    }

    /**
     * Clears one scope everywhere whatever its deadline (operator action).
     *
     * @return true when there was something to clear (in Redis or in this near-cache)
     */
    public Uni<Boolean> clear(String scope) {
        long now = System.currentTimeMillis();
        boolean local = cache.remove(scope) != null;
        cleared.put(scope, now);
        localProbes.remove(scope);
        return store.clear(scope, replicaId).map(r -> r == ClearResult.CLEARED || local);
    }

    /** Re-reads every entry from Redis (the backstop); exposed so tests and operators need not wait a period. */
    public Uni<Void> refresh() {
        if (!backstopBusy.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        long started = System.currentTimeMillis();
        return store.list()
                .invoke(list -> apply(list, started))
                .onFailure().invoke(t -> LOG.debugf("cooldown backstop read failed: %s", t.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .eventually(() -> backstopBusy.set(false))
                .replaceWithVoid();
    }

    /** When the backstop last read Redis successfully (epoch ms, 0 = never). */
    public long lastBackstopEpochMs() {
        return lastBackstopEpochMs;
    }

    private void apply(List<CooldownState> stored, long started) {
        long now = System.currentTimeMillis();
        Set<String> present = new HashSet<>();
        for (CooldownState s : stored) {
            present.add(s.scope());
            Long clearedAt = cleared.get(s.scope());
            if (clearedAt != null && clearedAt >= started) {
                continue;
            }
            cache.merge(s.scope(), new Cached(s, now), CooldownService::later);
        }
        long graceMs = config.halfOpenGrace().toMillis();
        cache.forEach((scope, c) -> {
            boolean goneFromRedis = !present.contains(scope) && c.seenAtMs() < started;
            boolean longPast = c.state().untilEpochMs() + Math.max(graceMs, 0) * 2 < now
                    && c.seenAtMs() < started;
            if (goneFromRedis || longPast) {
                cache.remove(scope, c);
            }
        });
        cleared.entrySet().removeIf(e -> e.getValue() < started);
        localProbes.entrySet().removeIf(e -> e.getValue() <= now);
        lastBackstopEpochMs = now;
    }

    private Uni<Void> subscribe() {
        if (!running.get()) {
            return Uni.createFrom().voidItem();
        }
        long generation = subscriptionGeneration.incrementAndGet();
        return store.subscribe(this::onEvent,
                        () -> resubscribeLater(generation, null),
                        t -> resubscribeLater(generation, t))
                .invoke(s -> {
                    if (generation != subscriptionGeneration.get() || !running.get()) {
                        s.unsubscribe().subscribe().with(x -> { }, t -> { });
                        return;
                    }
                    subscriber = s;
                    subscribed = true;
                })
                .onFailure().invoke(t -> resubscribeLater(generation, t))
                .replaceWithVoid();
    }

    private void resubscribeLater(long generation, Throwable cause) {
        if (!running.get() || !subscriptionGeneration.compareAndSet(generation, generation + 1)) {
            return;
        }
        subscribed = false;
        LOG.warnf("sb:cd:events subscription lost (%s); re-subscribing in %s",
                cause == null ? "ended" : cause.getClass().getSimpleName(), config.resubscribeDelay());
        vertx.setTimer(Math.max(10, config.resubscribeDelay().toMillis()), id -> subscribe()
                .chain(this::refresh)
                .subscribe().with(x -> { }, t -> { }));
    }

    private void onEvent(CooldownState s) {
        long now = System.currentTimeMillis();
        if (s.untilEpochMs() <= 0) {
            cache.remove(s.scope());
            cleared.put(s.scope(), now);
            localProbes.remove(s.scope());
            return;
        }
        cleared.remove(s.scope());
        cache.merge(s.scope(), new Cached(s, now), CooldownService::later);
    }

    private void adopt(CooldownState s, long now) {
        if (s != null && s.untilEpochMs() > 0) {
            cache.merge(s.scope(), new Cached(s, now), CooldownService::later);
        }
    }

    private Uni<Void> releaseProbe(String scope) {
        localProbes.remove(scope);
        return store.releaseProbe(scope, replicaId).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Entry TTL in Redis: the cooldown plus a half-open grace at least as long as the cooldown. */
    private Duration ttlFor(CooldownState s, long now) {
        long remaining = Math.max(1, s.untilEpochMs() - now);
        return Duration.ofMillis(remaining + Math.max(config.halfOpenGrace().toMillis(), remaining));
    }

    private static Cached later(Cached current, Cached incoming) {
        long a = current.state().untilEpochMs();
        long b = incoming.state().untilEpochMs();
        if (b != a) {
            return b > a ? incoming : current;
        }
        return incoming.state().strikes() >= current.state().strikes() ? incoming : current;
    }

    private int activeCount() {
        long now = System.currentTimeMillis();
        int n = 0;
        for (Cached c : cache.values()) {
            if (c.state().activeAt(now)) {
                n++;
            }
        }
        return n;
    }

    private void countProbe(String outcome) {
        Counter.builder("switchboard.probes")
                .description("Half-open probes: acquired, busy (another holder), succeeded, failed, abandoned")
                .tag("outcome", outcome)
                .register(meters).increment();
    }
}
