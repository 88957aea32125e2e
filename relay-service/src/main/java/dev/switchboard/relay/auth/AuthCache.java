package dev.switchboard.relay.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.relay.config.RelayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * L1: bounded in-process cache of auth entries by key hash, positive and negative. Entries are kept
 * past their freshness for {@code staleTtl} so they can still serve when Redis and auth-service are down.
 *
 * <p>No stale resurrection: a loader takes a {@link #ticket()} before it reads Redis or asks auth-service,
 * and {@link #put} caches its answer only if no invalidation of that key (nor a flush) happened since. Each
 * invalidation leaves a tombstone (the sequence number it was given) per key; tombstones are bounded, and one
 * evicted early raises the floor every older ticket must clear instead, so an eviction can only cost a
 * straddling load its caching, never let it resurrect an entry. Between two entries for the same key, the
 * higher {@code version} wins whatever its polarity, and at equal versions the negative one: an older
 * positive entry never replaces a newer negative one (a deleted key).
 */
@ApplicationScoped
public class AuthCache {

    private static final Logger LOG = Logger.getLogger(AuthCache.class);
    private static final int MAX_TOMBSTONES = 10_000;

    /** One cached entry with its parsed IP rules and load time. */
    public record Cached(AuthCacheEntry entry, IpRules ipRules, long loadedAtNanos) {
    }

    private final Cache<String, Cached> cache;
    private final Cache<String, Long> tombstones;
    /** Key id → the version whose unusable IP rules were logged. */
    private final Cache<Long, Long> unusableWarned = Caffeine.newBuilder().maximumSize(MAX_TOMBSTONES).build();
    private final AtomicLong sequence = new AtomicLong();
    /** Tickets below this may not cache anything (a flush, or the tombstone of an evicted invalidation). */
    private final AtomicLong floor = new AtomicLong();
    private final long positiveTtlNanos;
    private final long negativeTtlNanos;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public AuthCache(RelayConfig config, MeterRegistry registry) {
        this(config.auth().cacheSize(), config.auth().positiveTtl(), config.auth().negativeTtl(),
                config.auth().staleTtl(), registry);
    }

    /** For plain tests. */
    AuthCache(long size, Duration positiveTtl, Duration negativeTtl, Duration staleTtl) {
        this(size, positiveTtl, negativeTtl, staleTtl, new SimpleMeterRegistry());
    }

    private AuthCache(long size, Duration positiveTtl, Duration negativeTtl, Duration staleTtl, MeterRegistry registry) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterWrite(Math.max(staleTtl.toNanos(), positiveTtl.toNanos()), TimeUnit.NANOSECONDS)
                .build();
        this.tombstones = Caffeine.newBuilder()
                .maximumSize(MAX_TOMBSTONES)
                .executor(Runnable::run)
                .<String, Long>evictionListener((sha, seq, cause) -> {
                    if (seq != null) {
                        floor.accumulateAndGet(seq, Math::max);
                    }
                })
                .build();
        this.positiveTtlNanos = positiveTtl.toNanos();
        this.negativeTtlNanos = negativeTtl.toNanos();
        this.hits = Counter.builder("switchboard.auth.cache").tag("result", "hit")
                .description("Tenant key lookups answered by the in-process cache").register(registry);
        this.misses = Counter.builder("switchboard.auth.cache").tag("result", "miss")
                .description("Tenant key lookups that went to Redis or auth-service").register(registry);
    }

    /** A fresh entry, or null (counted as a miss). */
    public Cached fresh(String sha) {
        Cached c = cache.getIfPresent(sha);
        if (c != null && System.nanoTime() - c.loadedAtNanos() < (c.entry().notFound() ? negativeTtlNanos : positiveTtlNanos)) {
            hits.increment();
            return c;
        }
        misses.increment();
        return null;
    }

    /** Any entry still held, however old: the fallback when both sources are down. */
    public Cached stale(String sha) {
        return cache.getIfPresent(sha);
    }

    /** Taken by a loader before it reads anything; {@link #put} compares it with later invalidations. */
    public long ticket() {
        return sequence.get();
    }

    /** True while no invalidation of the key, nor a flush, came after {@code ticket}. */
    public boolean unchangedSince(String sha, long ticket) {
        if (ticket < floor.get()) {
            return false;
        }
        Long tomb = tombstones.getIfPresent(sha);
        return tomb == null || tomb <= ticket;
    }

    /**
     * Caches the loaded entry unless an invalidation of the key (or a flush) came after {@code ticket}; returns what
     * the request should use: the cached entry, or the loaded one uncached.
     */
    public Cached put(String sha, AuthCacheEntry entry, long ticket) {
        IpRules rules = entry.snapshot() == null ? null
                : new IpRules(entry.snapshot().ipAllow(), entry.snapshot().ipDeny());
        if (rules != null && rules.unusable() != null) {
            warnUnusable(entry.snapshot().apiKeyId(), entry.version(), rules.unusable());
        }
        Cached c = new Cached(entry, rules, System.nanoTime());
        if (!unchangedSince(sha, ticket)) {
            return c;
        }
        Cached kept = cache.asMap().merge(sha, c, (old, neu) -> newer(old.entry(), neu.entry()) ? old : neu);
        // an invalidation that landed while merging: its tombstone is in place before it removed anything
        if (!unchangedSince(sha, ticket)) {
            cache.asMap().remove(sha, kept);
        }
        return kept;
    }

    /**
     * One warning per key version and replica, however often the entry is loaded again (L1 expiry, an
     * invalidation, a load that may not cache) and never again for an older version loaded late: the key id
     * and the rule, never the key or its hash.
     */
    private void warnUnusable(long apiKeyId, long version, String problem) {
        long[] before = {Long.MIN_VALUE};
        unusableWarned.asMap().compute(apiKeyId, (id, warned) -> {
            before[0] = warned == null ? Long.MIN_VALUE : warned;
            return Math.max(before[0], version);
        });
        if (before[0] < version) {
            LOG.warnf("API key %d version %d has IP rules this relay cannot apply (%s): the key is refused "
                    + "(403 ip_rules_unusable) until they are corrected", apiKeyId, version, problem);
        }
    }

    /** True when {@code held} must stay over {@code loaded}: a higher version, or the negative one at the same. */
    static boolean newer(AuthCacheEntry held, AuthCacheEntry loaded) {
        return held.version() > loaded.version() || held.version() == loaded.version() && held.notFound();
    }

    public void invalidate(Collection<String> shas) {
        long seq = sequence.incrementAndGet();
        for (String sha : shas) {
            tombstones.put(sha, seq);
        }
        cache.invalidateAll(shas);
    }

    public void invalidateAll() {
        long seq = sequence.incrementAndGet();
        floor.accumulateAndGet(seq, Math::max);
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }
}
