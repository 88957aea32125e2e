package dev.switchboard.relay.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.relay.config.RelayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * L1: bounded in-process cache of auth entries by key hash, positive and negative. Entries are kept
 * past their freshness for {@code staleTtl} so they can still serve when Redis and auth-service are down.
 */
@ApplicationScoped
public class AuthCache {

    /** One cached entry with its parsed IP rules and load time. */
    public record Cached(AuthCacheEntry entry, IpRules ipRules, long loadedAtNanos) {
    }

    private final Cache<String, Cached> cache;
    private final long positiveTtlNanos;
    private final long negativeTtlNanos;
    private final Counter hits;
    private final Counter misses;

    public AuthCache(RelayConfig config, MeterRegistry registry) {
        RelayConfig.Auth auth = config.auth();
        this.cache = Caffeine.newBuilder()
                .maximumSize(auth.cacheSize())
                .expireAfterWrite(Math.max(auth.staleTtl().toNanos(), auth.positiveTtl().toNanos()), TimeUnit.NANOSECONDS)
                .build();
        this.positiveTtlNanos = auth.positiveTtl().toNanos();
        this.negativeTtlNanos = auth.negativeTtl().toNanos();
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

    public Cached put(String sha, AuthCacheEntry entry) {
        IpRules rules = entry.snapshot() == null ? null
                : new IpRules(entry.snapshot().ipAllow(), entry.snapshot().ipDeny());
        Cached c = new Cached(entry, rules, System.nanoTime());
        cache.asMap().merge(sha, c, (old, neu) ->
                // never let a slow loader replace a newer version
                old.entry().version() > neu.entry().version() && !old.entry().notFound() ? old : neu);
        return cache.getIfPresent(sha);
    }

    public void invalidate(Collection<String> shas) {
        cache.invalidateAll(shas);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }
}
