package dev.switchboard.auth.service;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.ApiKeyRepository;
import dev.switchboard.auth.store.AuthCacheStore;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.events.AuthEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Keeps the Redis auth cache in step with PostgreSQL: loads entries on a miss (positive or
 * negative), rewrites every affected snapshot after a change, and announces the change.
 */
@ApplicationScoped
public class SnapshotService {

    private static final Logger LOG = Logger.getLogger(SnapshotService.class);
    /** Version of a negative entry for a key that never existed: any real write replaces it. */
    public static final long UNKNOWN_KEY_VERSION = 0;
    /** Bound on one pipelined rewrite (the data source's own default timeout). */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(10);

    private final SnapshotAssembler assembler;
    private final AuthCacheStore store;
    private final ApiKeyRepository keys;
    private final AuthConfig config;

    private final Counter redisHits;
    private final Counter dbFound;
    private final Counter dbNotFound;
    private final Counter malformed;

    public SnapshotService(SnapshotAssembler assembler, AuthCacheStore store, ApiKeyRepository keys, AuthConfig config,
            MeterRegistry registry) {
        this.assembler = assembler;
        this.store = store;
        this.keys = keys;
        this.config = config;
        String name = "switchboard.auth.snapshot.lookups";
        redisHits = Counter.builder(name).tag("source", "redis").tag("result", "hit")
                .description("Internal snapshot lookups by where they were answered").register(registry);
        dbFound = Counter.builder(name).tag("source", "database").tag("result", "found").register(registry);
        dbNotFound = Counter.builder(name).tag("source", "database").tag("result", "not_found").register(registry);
        malformed = Counter.builder(name).tag("source", "none").tag("result", "malformed").register(registry);
    }

    /**
     * The cache entry for a key hash: from Redis, else loaded from PostgreSQL and written back.
     * A malformed hash is answered negatively without touching Redis or PostgreSQL.
     */
    public AuthCacheEntry lookup(String sha256Hex) {
        if (!KeySecrets.isSha256Hex(sha256Hex)) {
            malformed.increment();
            return AuthCacheEntry.notFound(UNKNOWN_KEY_VERSION);
        }
        String hash = sha256Hex.toLowerCase(Locale.ROOT);
        Optional<AuthCacheEntry> cached = cache(() -> store.get(hash));
        if (cached.isPresent()) {
            redisHits.increment();
            return cached.get();
        }
        AuthCacheEntry loaded = assembler.loadByHash(hash).map(AuthCacheEntry::found)
                .orElseGet(() -> AuthCacheEntry.notFound(UNKNOWN_KEY_VERSION));
        (loaded.notFound() ? dbNotFound : dbFound).increment();
        if (cache(() -> store.compareAndSet(hash, loaded, ttl(loaded)))) {
            return loaded;
        }
        // Someone wrote a newer entry while this loader read PostgreSQL: that one wins.
        return cache(() -> store.get(hash)).orElse(loaded);
    }

    /**
     * Without Redis there is no negative cache, so answering from PostgreSQL would let a flood of
     * unknown keys through: the endpoint answers 503 and the relay keeps serving from its L1.
     */
    private static <T> T cache(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            LOG.warnf("auth cache unavailable (%s)", e.getClass().getSimpleName());
            throw new ProblemException(503, "Service Unavailable", "the auth cache is unavailable", List.of());
        }
    }

    /**
     * Rewrites the snapshots a committed change affects, then publishes the invalidation. When Redis
     * fails here the change is saved but relays may still see the old entry: the caller gets a 503
     * that says so, and POST /admin/snapshots/rebuild (CAS by version) repairs it.
     */
    public void propagate(Change change) {
        try {
            write(change);
        } catch (ProblemException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("%s %d saved but snapshots not refreshed (%s)", change.kind(), change.id(), e.getClass().getSimpleName());
            throw new ProblemException(503, "Service Unavailable", "the change is saved but the auth cache could not be "
                    + "updated; retry with POST /admin/snapshots/rebuild once Redis is back", List.of());
        }
    }

    private void write(Change change) {
        List<String> hashes = new ArrayList<>();
        List<AuthCacheStore.Write> writes = new ArrayList<>();
        long version = change.version();
        for (SnapshotAssembler.Built b : assembler.loadByIds(change.keyIds())) {
            AuthCacheEntry entry = AuthCacheEntry.found(b.snapshot());
            writes.add(new AuthCacheStore.Write(b.keyHash(), entry, ttl(entry)));
            hashes.add(b.keyHash());
            version = Math.max(version, entry.version());
        }
        for (String removed : change.removedHashes()) {
            AuthCacheEntry entry = AuthCacheEntry.notFound(change.version());
            writes.add(new AuthCacheStore.Write(removed, entry, ttl(entry)));
            hashes.add(removed);
        }
        store.compareAndSetAll(writes, REDIS_TIMEOUT);
        // The event names the snapshots' version (drawn after the commit), so a relay can compare it with what it holds.
        store.publish(new AuthEvent(change.kind(), change.id(), version, hashes));
        LOG.debugf("propagated %s %d version %d to %d key snapshots", change.kind(), change.id(), version,
                hashes.size());
    }

    /**
     * Rewrites every key snapshot (operator's "on demand" rebuild) and, like any change, invalidates the
     * relays' L1 copies: one {@code rebuild} event per chunk of 200 keys naming their hashes, each bumping
     * the epoch, so a relay that missed a message still flushes.
     */
    public int rebuildAll() {
        List<Long> ids = QuarkusTransaction.requiringNew().call(keys::allIds);
        int written = 0;
        for (int from = 0; from < ids.size(); from += 200) {
            List<String> hashes = new ArrayList<>();
            long version = 0;
            for (SnapshotAssembler.Built b : assembler.loadByIds(ids.subList(from, Math.min(ids.size(), from + 200)))) {
                AuthCacheEntry entry = AuthCacheEntry.found(b.snapshot());
                if (cache(() -> store.compareAndSet(b.keyHash(), entry, ttl(entry)))) {
                    written++;
                }
                hashes.add(b.keyHash());
                version = Math.max(version, entry.version());
            }
            AuthEvent event = new AuthEvent(AuthEvent.REBUILD, 0, version, hashes);
            cache(() -> {
                store.publish(event);
                return null;
            });
        }
        return written;
    }

    Duration ttl(AuthCacheEntry entry) {
        if (entry.notFound()) {
            return config.cache().negativeTtl();
        }
        long jitter = config.cache().positiveJitter().toMillis();
        return config.cache().positiveTtl().plusMillis(jitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1));
    }
}
