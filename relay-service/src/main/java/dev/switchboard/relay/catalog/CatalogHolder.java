package dev.switchboard.relay.catalog;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.events.CatalogEvent;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.routing.CatalogIndex;
import dev.switchboard.relay.routing.ListedModel;
import dev.switchboard.relay.routing.ModelListing;
import dev.switchboard.relay.routing.Resolver;
import dev.switchboard.relay.store.CatalogStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The catalog the relay resolves against: loaded from {@code sb:catalog:snapshot} at start, swapped
 * atomically on {@code sb:catalog:events}, with a poll of {@code sb:catalog:version} as backstop.
 * Until the first snapshot is loaded, readiness is down.
 */
@ApplicationScoped
public class CatalogHolder {

    private static final Logger LOG = Logger.getLogger(CatalogHolder.class);

    /** One loaded catalog with the resolver built on it (its round-robin counters included). */
    public record Loaded(CatalogIndex index, Resolver resolver, Map<GroupSnapshot, List<ListedModel>> listings) {

        /** Bound on cached listings per catalog version (one per distinct group snapshot seen). */
        static final int MAX_LISTINGS = 1_024;

        public Loaded(CatalogIndex index) {
            this(index, new Resolver(index), new ConcurrentHashMap<>());
        }

        /**
         * What {@code GET /v1/models} shows a group. Computing it resolves every catalog name, so it is
         * kept per group snapshot (compared by value, so any change to the group misses) for the life of
         * this catalog version (a new catalog starts empty).
         */
        public List<ListedModel> visible(GroupSnapshot group) {
            List<ListedModel> cached = listings.get(group);
            if (cached != null) {
                return cached;
            }
            List<ListedModel> computed = List.copyOf(ModelListing.visible(index, group));
            if (listings.size() >= MAX_LISTINGS) {
                listings.clear();
            }
            listings.put(group, computed);
            return computed;
        }
    }

    private final CatalogStore store;
    private final Vertx vertx;
    private final RelayConfig.Catalog config;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile Cancellable subscription;
    private long pollTimer = -1;

    private final java.util.function.Predicate<dev.switchboard.contracts.catalog.ProviderKeySnapshot> opens;

    /** Without data keys to check against (tests of the loading alone): every key counts as openable. */
    public CatalogHolder(CatalogStore store, Vertx vertx, RelayConfig config) {
        this(store, vertx, config, k -> true);
    }

    @jakarta.inject.Inject
    public CatalogHolder(CatalogStore store, Vertx vertx, RelayConfig config,
            dev.switchboard.relay.upstream.ProviderSecrets secrets) {
        this(store, vertx, config, secrets::opens);
    }

    private CatalogHolder(CatalogStore store, Vertx vertx, RelayConfig config,
            java.util.function.Predicate<dev.switchboard.contracts.catalog.ProviderKeySnapshot> opens) {
        this.opens = opens;
        this.store = store;
        this.vertx = vertx;
        this.config = config.catalog();
    }

    void start(@Observes StartupEvent event) {
        subscription = store.events()
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(this::onEvent, err -> LOG.warnf("catalog event subscription ended: %s", err.getMessage()));
        reload();
        // poll fast until the first snapshot is there, then at the configured pace
        pollTimer = vertx.setPeriodic(500, id -> {
            if (current.get() == null || dueForPoll()) {
                poll();
            }
        });
    }

    private long lastPollNanos = System.nanoTime();

    private boolean dueForPoll() {
        long now = System.nanoTime();
        if (now - lastPollNanos >= config.pollInterval().toNanos()) {
            lastPollNanos = now;
            return true;
        }
        return false;
    }

    void stop(@Observes ShutdownEvent event) {
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** The current catalog, or null before the first load. */
    public Loaded current() {
        return current.get();
    }

    public boolean loaded() {
        return current.get() != null;
    }

    public long version() {
        Loaded l = current.get();
        return l == null ? -1 : l.index().version();
    }

    void onEvent(CatalogEvent event) {
        if (event.version() > version()) {
            reload();
        }
    }

    private void poll() {
        store.version().subscribe().with(v -> {
            if (v > version()) {
                reload();
            }
        }, err -> LOG.debugf("catalog version poll failed: %s", err.getMessage()));
    }

    /** Fetches the snapshot and swaps it in when newer. */
    public void reload() {
        if (!loading.compareAndSet(false, true)) {
            return;
        }
        store.snapshot().subscribe().with(snapshot -> {
            loading.set(false);
            install(snapshot);
        }, err -> {
            loading.set(false);
            LOG.warnf("catalog snapshot load failed: %s", err.getMessage());
        });
    }

    /** Builds the index and resolver off the current one and swaps them in, unless older. */
    public void install(CatalogSnapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        Loaded next = new Loaded(CatalogIndex.build(snapshot, opens));
        while (true) {
            Loaded prev = current.get();
            if (prev != null && prev.index().version() >= snapshot.version()) {
                return;
            }
            if (current.compareAndSet(prev, next)) {
                LOG.infof("catalog version %d loaded: %d providers, %d pools, %d clusters, %d routes",
                        snapshot.version(), snapshot.providers().size(), snapshot.pools().size(),
                        snapshot.clusters().size(), snapshot.routes().size());
                return;
            }
        }
    }
}
