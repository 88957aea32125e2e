package dev.switchboard.relay.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitsConfig;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.store.UsageStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Accounts one finished request: its cost, the spend counters budgets are checked against, the user's
 * unsettled spend and one {@link UsageEvent} on {@code sb:usage} — one Redis pipeline, fire-and-forget.
 *
 * <p>When Redis does not take the pipeline, the request is kept in a bounded in-memory buffer and
 * written again once Redis answers (events are idempotent per request id for the ledger and the
 * unsettled spend; a spend counter may count a retried request twice, which errs towards the budget).
 */
@ApplicationScoped
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);
    private static final long WARN_EVERY_MS = 10_000;
    private static final int RETRY_BATCH = 500;

    private final UsageStore store;
    private final LimitsConfig config;
    private final ObjectMapper mapper;
    private final HeadroomTracker headroom;
    private final ConcurrentLinkedDeque<Pending> buffer = new ConcurrentLinkedDeque<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean retrying = new AtomicBoolean();
    private final AtomicLong lastWarnMs = new AtomicLong();
    private final AtomicLong failuresSinceWarn = new AtomicLong();
    private final Counter dropped;
    private final Vertx vertx;
    private final long retryTimer;

    /** A request whose pipeline Redis did not take yet. */
    private record Pending(UsageEvent event, boolean metered) {
    }

    @Inject
    public UsageRecorder(UsageStore store, LimitsConfig config, ObjectMapper mapper, HeadroomTracker headroom,
            MeterRegistry registry, Vertx vertx) {
        this.store = store;
        this.config = config;
        this.mapper = mapper;
        this.headroom = headroom;
        this.vertx = vertx;
        this.dropped = Counter.builder("switchboard.usage.dropped")
                .description("Usage records lost because the retry buffer was full").register(registry);
        Gauge.builder("switchboard.usage.buffered", buffered, AtomicInteger::get)
                .description("Usage records waiting for Redis").register(registry);
        this.retryTimer = vertx == null ? -1 : vertx.setPeriodic(1_000, id -> retryBuffered());
    }

    @PreDestroy
    void stop() {
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        if (buffered.get() > 0) {
            LOG.warnf("%d usage records still unwritten at shutdown", buffered.get());
        }
    }

    /** Once per finished request (success, failure, cancel); never blocks and never throws. */
    public void record(UsageRecord r) {
        try {
            Pending p = pending(r, System.currentTimeMillis());
            if (r.served() != null && r.served().key() != null) {
                headroom.onTokens(r.served().key(), r.promptTokens() + r.completionTokens());
            }
            write(p).subscribe().with(v -> { }, e -> onFailure(p, e));
        } catch (RuntimeException e) {
            warn("usage of a request not recorded: %s", e);
        }
    }

    /** Records and completes when Redis has acknowledged the pipeline (tests). */
    public Uni<UsageEvent> recordAndWait(UsageRecord r) {
        Pending p = pending(r, System.currentTimeMillis());
        return write(p).replaceWith(p.event());
    }

    /** Number of records waiting for Redis. */
    public int buffered() {
        return buffered.get();
    }

    /** Writes buffered records again, oldest first, stopping at the first failure. */
    public void retryBuffered() {
        if (buffer.isEmpty() || !retrying.compareAndSet(false, true)) {
            return;
        }
        drain(RETRY_BATCH);
    }

    private void drain(int budget) {
        Pending p = budget == 0 ? null : buffer.pollFirst();
        if (p == null) {
            retrying.set(false);
            return;
        }
        buffered.decrementAndGet();
        write(p).subscribe().with(v -> drain(budget - 1), e -> {
            buffer.offerFirst(p);
            buffered.incrementAndGet();
            retrying.set(false);
        });
    }

    private void onFailure(Pending p, Throwable e) {
        if (buffered.get() < config.usageBufferSize()) {
            buffer.offerLast(p);
            buffered.incrementAndGet();
        } else {
            dropped.increment();
        }
        warn("usage not written to Redis yet (%s); buffered for retry", e);
    }

    /** At most one warning per 10 s, with the number of failures it stands for: an outage must not flood the log. */
    private void warn(String format, Throwable e) {
        long n = failuresSinceWarn.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastWarnMs.get();
        if (now - last >= WARN_EVERY_MS && lastWarnMs.compareAndSet(last, now)) {
            failuresSinceWarn.addAndGet(-n);
            LOG.warnf(format + " [%d failures since the last warning, %d buffered]", e.getClass().getSimpleName(), n, buffered.get());
        }
    }

    private Pending pending(UsageRecord r, long nowMs) {
        ApiKeySnapshot key = r.key();
        boolean metered = key.user() != null && key.user().balanceUsd() != null;
        return new Pending(event(r, nowMs), metered);
    }

    private Uni<Void> write(Pending p) {
        UsageEvent event = p.event();
        long micros = SpendPeriod.micros(event.costUsd());
        Instant at = Instant.ofEpochMilli(event.timestampMs());
        long retention = config.spendRetention().toSeconds();
        List<UsageStore.Counter> counters = new ArrayList<>(5);
        for (SpendPeriod period : SpendPeriod.values()) {
            long expireAt = period.end(at).getEpochSecond() + retention;
            counters.add(new UsageStore.Counter(RedisKeys.groupSpend(event.groupId(), period.id(at)), expireAt));
            if (period != SpendPeriod.WEEK) {
                counters.add(new UsageStore.Counter(UsageStore.userPeriodSpend(event.userId(), period.id(at)), expireAt));
            }
        }
        return store.record(counters, micros, p.metered() ? event.userId() : null, event.requestId(),
                config.unsettledSpendTtl().toMillis(), UsageStore.minuteRequests(event.apiKeyId(), event.timestampMs() / 60_000),
                json(event), config.usageStreamMaxLen());
    }

    /** The event for a finished request, cost included. */
    public static UsageEvent event(UsageRecord r, long nowMs) {
        ApiKeySnapshot key = r.key();
        GroupSnapshot group = r.group() != null ? r.group() : key.group();
        Candidate served = r.served();
        BigDecimal cost = UsageCost.of(served == null ? null : served.modelInfo(), group, r.promptTokens(), r.completionTokens());
        return new UsageEvent(Schema.EVENT, r.requestId(), nowMs, key.apiKeyId(), key.userId(),
                group == null ? key.groupId() : group.id(), r.requestedModel(), r.resolvedVia(),
                served == null || served.provider() == null ? null : served.provider().name(),
                served == null ? null : served.upstreamModel(), r.promptTokens(), r.completionTokens(), cost,
                r.status(), r.attempts(), r.latencyMs(), r.ttfbMs());
    }

    private String json(UsageEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("usage event not serialisable", e);
        }
    }
}
