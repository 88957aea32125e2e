package dev.switchboard.relay.usage;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.UsageIds;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitsConfig;
import dev.switchboard.relay.limits.Reservation;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidatePrice;
import dev.switchboard.relay.store.UsageStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Accounts finished requests: their cost, the spend counters budgets are checked against, the user's
 * unsettled spend and one {@link UsageEvent} each on {@code sb:usage}. {@link #record} only queues the
 * event (no Redis round trip on the request path); a flush every {@code switchboard.usage.flush-interval},
 * or as soon as {@code batch-size} events are queued, writes a whole batch with one Lua script
 * ({@link UsageStore.Batch}, counters summed per key). Events are serialised by {@link UsageJson}
 * (no reflection), identical to Jackson's output.
 *
 * <p>Exactly once: the script applies a batch atomically and remembers its id for
 * {@code batch-dedupe-ttl}, so a batch re-sent after a lost reply changes nothing; unsettled spend is
 * idempotent per request id (HSETNX) and the ledger per request id, whatever happens.
 *
 * <p>When Redis does not take a batch, it is kept whole in a bounded in-memory buffer
 * ({@code switchboard.limits.usage-buffer-size} events, queued ones included) and re-sent unchanged, oldest
 * first, once a second. Beyond the bound, events are dropped and counted. At shutdown, what is queued
 * or buffered is written (waiting up to {@code shutdown-wait}).
 */
// @Singleton, not @ApplicationScoped: called on every request, and a client proxy costs a context lookup per call
@Singleton
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);
    private static final long WARN_EVERY_MS = 10_000;
    private static final int RETRY_BATCHES = 200;
    private static final String REPLICA = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);

    private final UsageStore store;
    private final LimitsConfig config;
    private final UsageConfig usage;
    private final HeadroomTracker headroom;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedDeque<UsageStore.Batch> buffer = new ConcurrentLinkedDeque<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final AtomicLong batchSeq = new AtomicLong();
    private final AtomicLong lastWarnMs = new AtomicLong();
    private final AtomicLong failuresSinceWarn = new AtomicLong();
    private final Counter dropped;
    private final Counter batches;
    private final Counter duplicates;
    private final Vertx vertx;
    private final long flushTimer;
    private final long retryTimer;
    private final int batchSize;
    private final long markerTtlSeconds;
    private final long slotMarkerTtlSeconds;
    private volatile boolean stopped;

    /** A finished request waiting for its batch; metered = the user has a prepaid balance (unsettled spend). */
    private record Entry(UsageEvent event, boolean metered, Reservation reservation) {
    }

    @Inject
    public UsageRecorder(UsageStore store, LimitsConfig config, UsageConfig usage, HeadroomTracker headroom,
            MeterRegistry registry, Vertx vertx) {
        this.store = store;
        this.config = config;
        this.usage = usage;
        this.headroom = headroom;
        this.vertx = vertx;
        this.batchSize = Math.max(1, usage.batchSize());
        this.markerTtlSeconds = Math.max(1, usage.batchDedupeTtl().toSeconds());
        this.slotMarkerTtlSeconds = Math.max(1, Math.min(markerTtlSeconds, usage.slotDedupeTtl().toSeconds()));
        this.dropped = Counter.builder("switchboard.usage.dropped")
                .description("Usage records lost because the retry buffer was full").register(registry);
        this.batches = Counter.builder("switchboard.usage.batches")
                .description("Usage batches written to Redis").register(registry);
        this.duplicates = Counter.builder("switchboard.usage.duplicate.batches")
                .description("Re-sent usage batches Redis had already applied (reply lost)").register(registry);
        Gauge.builder("switchboard.usage.buffered", buffered, AtomicInteger::get)
                .description("Usage records waiting for Redis to answer again").register(registry);
        Gauge.builder("switchboard.usage.queued", queued, AtomicInteger::get)
                .description("Usage records waiting for the next batch").register(registry);
        this.flushTimer = vertx == null ? -1 : vertx.setPeriodic(Math.max(1, usage.flushInterval().toMillis()), id -> flush());
        this.retryTimer = vertx == null ? -1 : vertx.setPeriodic(1_000, id -> retryBuffered());
    }

    /** Writes what is queued or buffered before the Redis client goes away (in-flight requests have finished by now). */
    void onShutdown(@Observes ShutdownEvent event) {
        drain();
    }

    @PreDestroy
    void stop() {
        drain();
    }

    private void drain() {
        if (!stopped) {
            stopped = true; // from now on, record() sends at once
            if (flushTimer >= 0) {
                vertx.cancelTimer(flushTimer);
                vertx.cancelTimer(retryTimer);
            }
        }
        if (queued.get() + buffered.get() == 0) {
            return;
        }
        try {
            flushAll().await().atMost(usage.shutdownWait());
        } catch (RuntimeException e) {
            LOG.warnf("usage flush at shutdown failed: %s", e.getClass().getSimpleName());
        }
        int left = queued.get() + buffered.get() + inFlight.get();
        if (left > 0) {
            LOG.warnf("%d usage records still unwritten at shutdown", left);
        }
    }

    /** Once per finished request (success, failure, cancel); queues the event, never blocks and never throws. */
    public void record(UsageRecord r) {
        try {
            Entry entry = entry(r);
            if (r.served() != null && r.served().key() != null) {
                headroom.onTokens(r.served().key(), r.promptTokens() + r.completionTokens());
            }
            if (queued.get() + buffered.get() >= config.usageBufferSize()) {
                dropped.increment();
                warn("usage record dropped: buffer full (%s)", null);
                return;
            }
            queue.offer(entry);
            if (queued.incrementAndGet() >= batchSize || stopped) {
                flush();
            }
        } catch (RuntimeException e) {
            warn("usage of a request not recorded: %s", e);
        }
    }

    /** Writes one record at once, in a batch of its own; completes when Redis has applied it (tests). */
    public Uni<UsageEvent> recordAndWait(UsageRecord r) {
        Entry entry = entry(r);
        return store.write(seal(batchOf(List.of(entry)))).replaceWith(entry.event());
    }

    /** Number of records waiting for Redis to answer again (failed batches). */
    public int buffered() {
        return buffered.get();
    }

    /** Number of records waiting for the next batch. */
    public int queued() {
        return queued.get();
    }

    /** Sends every queued record now, in batches of at most {@code batch-size}; failures go to the retry buffer. */
    public void flush() {
        UsageStore.Batch b;
        while ((b = nextBatch()) != null) {
            send(b);
        }
    }

    /**
     * Sends everything queued and buffered and completes when Redis has answered for all of it, with the
     * number of records still unwritten (shutdown, tests).
     */
    public Uni<Integer> flushAll() {
        List<UsageStore.Batch> all = new ArrayList<>();
        UsageStore.Batch b;
        while ((b = buffer.pollFirst()) != null) {
            buffered.addAndGet(-b.size());
            all.add(b);
        }
        while ((b = nextBatch()) != null) {
            all.add(b);
        }
        if (all.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Integer>> writes = new ArrayList<>(all.size());
        for (UsageStore.Batch batch : all) {
            writes.add(write(batch).onItem().transform(v -> 0)
                    .onFailure().recoverWithItem(e -> {
                        keep(batch, e);
                        return batch.size();
                    }));
        }
        return Uni.join().all(writes).andFailFast().map(l -> l.stream().mapToInt(Integer::intValue).sum());
    }

    /** Re-sends buffered batches, oldest first, stopping at the first failure. */
    public void retryBuffered() {
        if (buffer.isEmpty() || !retrying.compareAndSet(false, true)) {
            return;
        }
        retryNext(RETRY_BATCHES);
    }

    private void retryNext(int budget) {
        UsageStore.Batch b = budget == 0 ? null : buffer.pollFirst();
        if (b == null) {
            retrying.set(false);
            return;
        }
        buffered.addAndGet(-b.size());
        write(b).subscribe().with(v -> retryNext(budget - 1), e -> {
            buffer.offerFirst(b);
            buffered.addAndGet(b.size());
            retrying.set(false);
        });
    }

    private UsageStore.Batch nextBatch() {
        List<Entry> events = null;
        Entry e;
        while ((events == null || events.size() < batchSize) && (e = queue.poll()) != null) {
            queued.decrementAndGet();
            if (events == null) {
                events = new ArrayList<>(Math.min(batchSize, Math.max(16, queued.get() + 1)));
            }
            events.add(e);
        }
        return events == null ? null : seal(batchOf(events));
    }

    private void send(UsageStore.Batch b) {
        write(b).subscribe().with(v -> { }, e -> keep(b, e));
    }

    private Uni<Void> write(UsageStore.Batch b) {
        inFlight.addAndGet(b.size());
        return store.write(b).onItem().invoke(applied -> {
            batches.increment();
            if (!applied) {
                duplicates.increment();
            }
        }).onTermination().invoke(() -> inFlight.addAndGet(-b.size())).replaceWithVoid();
    }

    /** A batch Redis did not take: kept whole for a retry under the same id, or dropped beyond the bound. */
    private void keep(UsageStore.Batch b, Throwable e) {
        if (buffered.get() + queued.get() + b.size() <= config.usageBufferSize()) {
            buffer.offerLast(b);
            buffered.addAndGet(b.size());
            warn("usage not written to Redis yet (%s); buffered for retry", e);
        } else {
            dropped.increment(b.size());
            warn("usage not written to Redis (%s) and the retry buffer is full; records dropped", e);
        }
    }

    /** At most one warning per 10 s, with the number of failures it stands for: an outage must not flood the log. */
    private void warn(String format, Throwable e) {
        long n = failuresSinceWarn.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastWarnMs.get();
        if (now - last >= WARN_EVERY_MS && lastWarnMs.compareAndSet(last, now)) {
            failuresSinceWarn.addAndGet(-n);
            LOG.warnf(format + " [%d failures since the last warning, %d buffered]", e == null ? "-" : e.getClass().getSimpleName(), n,
                    buffered.get());
        }
    }

    /** Spend and request counters, unsettled spend and the events of some finished requests, as one batch. */
    private static Entry entry(UsageRecord r) {
        boolean metered = r.key().user() != null && r.key().user().balanceUsd() != null;
        return new Entry(event(r, System.currentTimeMillis()), metered, r.reservation());
    }

    private UsageStore.Batch batchOf(List<Entry> entries) {
        UsageStore.Batch batch = new UsageStore.Batch();
        long retention = config.spendRetention().toSeconds();
        StringBuilder json = new StringBuilder(384);
        for (Entry entry : entries) {
            UsageEvent event = entry.event();
            long micros = SpendPeriod.micros(event.costUsd());
            Instant at = Instant.ofEpochMilli(event.timestampMs());
            if (micros > 0) {
                for (SpendPeriod period : SpendPeriod.values()) {
                    String id = period.id(at);
                    long expireAt = period.end(at).getEpochSecond() + retention;
                    batch.counter(RedisKeys.groupSpend(event.groupId(), id), micros, expireAt);
                    if (period != SpendPeriod.WEEK) {
                        batch.counter(UsageStore.userPeriodSpend(event.userId(), id), micros, expireAt);
                    }
                }
                if (entry.metered()) {
                    batch.unsettled(event.userId(), event.usageId(), micros);
                }
            }
            batch.minute(UsageStore.minuteRequests(event.userId(), event.apiKeyId(), event.timestampMs() / 60_000));
            if (entry.reservation() != null) {
                entry.reservation().keys().forEach(k -> batch.release(k, entry.reservation().member()));
            }
            json.setLength(0);
            UsageJson.write(event, json);
            batch.event(event.usageId(), event.requestId(), json.toString());
        }
        return batch;
    }

    private UsageStore.Batch seal(UsageStore.Batch b) {
        return b.seal(REPLICA + ":" + Long.toString(batchSeq.incrementAndGet(), 36), markerTtlSeconds, slotMarkerTtlSeconds,
                config.usageStreamMaxLen(),
                config.unsettledSpendTtl().toMillis());
    }

    /**
     * The event for a finished request, cost included, under a new {@link UsageIds usage id}: the ledger is
     * idempotent per usage id, never per the client's {@code x-request-id}, so a repeated client id is billed
     * every time. Called once per request ({@link #record}); a re-sent batch carries the same ids.
     */
    public static UsageEvent event(UsageRecord r, long nowMs) {
        ApiKeySnapshot key = r.key();
        GroupSnapshot group = r.group() != null ? r.group() : key.group();
        Candidate served = r.served();
        CandidatePrice price = served == null ? null : served.price();
        BigDecimal cost = UsageCost.of(price == null ? null : price.price(), group, r.promptTokens(), r.completionTokens());
        return new UsageEvent(Schema.EVENT, r.requestId(), nowMs, key.apiKeyId(), key.userId(),
                group == null ? key.groupId() : group.id(), r.requestedModel(), r.resolvedVia(),
                served == null || served.provider() == null ? null : served.provider().name(),
                served == null ? null : served.upstreamModel(), r.promptTokens(), r.completionTokens(), cost,
                r.status(), r.attempts(), r.latencyMs(), r.ttfbMs(), UsageIds.newId(nowMs));
    }
}
