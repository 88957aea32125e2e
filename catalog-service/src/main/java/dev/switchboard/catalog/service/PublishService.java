package dev.switchboard.catalog.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.api.Views.PublishView;
import dev.switchboard.catalog.config.CatalogConfig;
import dev.switchboard.catalog.repository.SnapshotRepository;
import dev.switchboard.catalog.store.CatalogStore;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.events.CatalogEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Publishes the catalog to Redis: after every committed change (coalesced), at start-up, and
 * whenever the periodic check finds Redis without our latest snapshot.
 *
 * <p>Coalescing never loses the last change: a change sets {@code dirty} after its commit; the
 * publisher clears {@code dirty} before it reads the database, so a change committed during a
 * publish either is read by it or leaves {@code dirty} set for one more round.
 */
@ApplicationScoped
public class PublishService {

    private static final Logger LOG = Logger.getLogger(PublishService.class);

    private final SnapshotRepository snapshots;
    private final CatalogStore store;
    private final ObjectMapper mapper;
    private final CatalogConfig config;
    private final MeterRegistry registry;
    private final SecurityIdentity identity;

    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong lastPublished = new AtomicLong();
    private final AtomicBoolean everPublished = new AtomicBoolean();
    private final ReentrantLock publishing = new ReentrantLock();
    private final AtomicBoolean sequenceChecked = new AtomicBoolean();
    private ScheduledExecutorService executor;
    private Timer publishTimer;
    private Counter failures;
    private Counter skipped;

    public PublishService(SnapshotRepository snapshots, CatalogStore store, ObjectMapper mapper, CatalogConfig config,
            MeterRegistry registry, SecurityIdentity identity) {
        this.snapshots = snapshots;
        this.store = store;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
        this.identity = identity;
    }

    void start(@Observes StartupEvent event) {
        publishTimer = Timer.builder("switchboard.catalog.publish")
                .description("Time to build, serialise and write the catalog snapshot")
                .publishPercentileHistogram()
                .register(registry);
        failures = Counter.builder("switchboard.catalog.publish.failures")
                .description("Publishes that failed (database or Redis unavailable)").register(registry);
        skipped = Counter.builder("switchboard.catalog.publish.superseded")
                .description("Publishes not written because Redis already held a newer version").register(registry);
        registry.gauge("switchboard.catalog.version", lastPublished);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-publisher");
            t.setDaemon(true);
            return t;
        });
        if (config.publish().atStartup()) {
            requestPublish();
        }
        long heal = config.publish().healInterval().toMillis();
        executor.scheduleWithFixedDelay(this::heal, heal, heal, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Runs on the committing (request) thread, so the audit line carries the request id. */
    void onCommittedChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) CatalogChanged change) {
        LOG.infof("catalog change committed: %s (by %s)", change.what(), actor());
        requestPublish();
    }

    private String actor() {
        try {
            return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        } catch (RuntimeException e) {
            return "system";
        }
    }

    /** Marks the catalog dirty and makes sure one publish runs soon (bursts share it). */
    public void requestPublish() {
        dirty.set(true);
        if (drainScheduled.compareAndSet(false, true)) {
            executor.schedule(this::drain, config.publish().debounce().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        int rounds = 0;
        // bounded: a change arriving after the last round re-schedules a drain through requestPublish
        while (dirty.getAndSet(false) && rounds++ < 10) {
            try {
                publishNow();
            } catch (RuntimeException | SQLException e) {
                dirty.set(true); // the heal timer retries
                LOG.warnf("catalog publish failed: %s", e.getClass().getSimpleName());
                return;
            }
        }
        if (dirty.get()) {
            requestPublish();
        }
    }

    /** Re-publishes if a change is pending or Redis no longer holds our latest snapshot. */
    void heal() {
        try {
            boolean missing = !store.snapshotExists();
            long stored = store.version().orElse(0);
            if (dirty.get() || missing || stored < lastPublished.get()) {
                if (missing && everPublished.get()) {
                    LOG.infof("catalog snapshot missing in Redis; re-publishing");
                }
                dirty.set(false);
                publishNow();
            }
        } catch (RuntimeException | SQLException e) {
            dirty.set(true);
            LOG.warnf("catalog heal check failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Builds the snapshot from PostgreSQL and writes it with compare-and-set; synchronous. */
    public PublishView publishNow() throws SQLException {
        publishing.lock();
        try {
            long start = System.nanoTime();
            if (!sequenceChecked.get()) {
                snapshots.advancePast(store.version().orElse(0));
                sequenceChecked.set(true);
            }
            long version = snapshots.nextVersion();
            CatalogSnapshot snapshot = snapshots.read(version);
            byte[] json = serialise(snapshot);
            String event = mapper.writeValueAsString(new CatalogEvent(version));
            boolean written = store.publishIfNewer(version, new String(json, StandardCharsets.UTF_8), event);
            long elapsed = System.nanoTime() - start;
            publishTimer.record(elapsed, TimeUnit.NANOSECONDS);
            if (written) {
                lastPublished.accumulateAndGet(version, Math::max);
                everPublished.set(true);
                LOG.infof("published catalog version %d (%d providers, %d pools, %d clusters, %d routes, %d bytes) in %d ms",
                        version, snapshot.providers().size(), snapshot.pools().size(), snapshot.clusters().size(),
                        snapshot.routes().size(), json.length, TimeUnit.NANOSECONDS.toMillis(elapsed));
            } else {
                skipped.increment();
                everPublished.set(true);
                LOG.infof("catalog version %d superseded by a newer one in Redis", version);
            }
            return new PublishView(version, json.length);
        } catch (JsonProcessingException e) {
            failures.increment();
            throw new IllegalStateException("catalog snapshot could not be serialised");
        } catch (SQLException | RuntimeException e) {
            failures.increment();
            throw e;
        } finally {
            publishing.unlock();
        }
    }

    private byte[] serialise(CatalogSnapshot snapshot) throws JsonProcessingException {
        return mapper.writeValueAsBytes(snapshot);
    }

    /** Whether at least one publish reached Redis since start-up (readiness). */
    public boolean hasPublished() {
        return everPublished.get();
    }

    public long lastPublishedVersion() {
        return lastPublished.get();
    }
}
