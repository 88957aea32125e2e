package dev.switchboard.relay.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.TenantKeys;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.contracts.events.CatalogEvent;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.catalog.CatalogHolder;
import io.quarkus.redis.datasource.RedisDataSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test data for the relay: auth entries and catalog snapshots written straight into Redis DB 3, with
 * ids unique per run so test classes (and repeated runs) never see each other's data.
 */
public final class Fixture {

    /** The %test data key of application.properties. */
    public static final SecretBox BOX = SecretBox.fromSpec("dev:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    private static final AtomicLong IDS = new AtomicLong((System.currentTimeMillis() % 100_000_000L) * 1000);
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final RedisDataSource redis;
    private final ObjectMapper mapper;
    private final CatalogHolder catalog;

    public Fixture(RedisDataSource redis, ObjectMapper mapper, CatalogHolder catalog) {
        this.redis = redis;
        this.mapper = mapper;
        this.catalog = catalog;
    }

    public static long id() {
        return IDS.incrementAndGet();
    }

    public static String unique(String prefix) {
        return prefix + "-" + id();
    }

    // ---------------------------------------------------------------- tenants

    public static GroupSnapshot group(List<String> allowedModels, Map<String, List<String>> routing) {
        long id = id();
        return new GroupSnapshot(id, "group-" + id, "any", "active", "standard", BigDecimal.ONE, null, null, null,
                allowedModels, null, routing, routing != null && !routing.isEmpty(), 1);
    }

    public static UserSnapshot user() {
        long id = id();
        return new UserSnapshot(id, "user-" + id, "active", "user", null, null, 1);
    }

    public static ApiKeySnapshot key(GroupSnapshot group) {
        return key(group, user(), ApiKeySnapshot.ACTIVE, null, List.of(), List.of());
    }

    public static ApiKeySnapshot key(GroupSnapshot group, UserSnapshot user, String status, Instant expiresAt,
            List<String> ipAllow, List<String> ipDeny) {
        long id = id();
        return new ApiKeySnapshot(Schema.AUTH, VERSIONS.incrementAndGet() + System.currentTimeMillis(), id, "key-" + id,
                "sk-test", user.id(), group.id(), status, expiresAt, ipAllow, ipDeny, null, user, group, List.of());
    }

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** A fresh key in the tenant key format ({@code sk-sb-} + 43 base62), as auth-service would issue it. */
    public static String newSecret() {
        StringBuilder b = new StringBuilder(TenantKeys.PREFIX);
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < TenantKeys.SECRET_DIGITS; i++) {
            b.append(BASE62.charAt(r.nextInt(BASE62.length())));
        }
        return b.toString();
    }

    /** Writes the key's auth entry as auth-service would; returns the plaintext key. */
    public String seedKey(ApiKeySnapshot snapshot) {
        String plaintext = newSecret();
        seedKey(plaintext, snapshot);
        return plaintext;
    }

    public void seedKey(String plaintext, ApiKeySnapshot snapshot) {
        redis.value(String.class).setex(RedisKeys.authKey(TenantAuthenticator.sha256Hex(plaintext)), 3600,
                json(AuthCacheEntry.found(snapshot)));
    }

    /** A key for a fresh group allowed every model. */
    public String tenant() {
        return seedKey(key(group(List.of(), Map.of())));
    }

    // ---------------------------------------------------------------- catalog

    public static ProviderKeySnapshot providerKey(String label, String secret) {
        return new ProviderKeySnapshot(id(), label, BOX.seal(secret), secret.substring(Math.max(0, secret.length() - 4)),
                null, null, 1, true);
    }

    public static ModelSnapshot model(String name, String upstreamName) {
        return new ModelSnapshot(id(), name, upstreamName, 128_000, new BigDecimal("1.0"), new BigDecimal("2.0"), true);
    }

    public static ProviderSnapshot provider(String name, String protocol, String baseUrl, List<ProviderKeySnapshot> keys,
            List<ModelSnapshot> models) {
        return new ProviderSnapshot(id(), name, protocol, baseUrl, true, new ProviderSnapshot.Timeouts(1_000, 5_000, 5_000),
                Map.of(), keys, models, List.of());
    }

    public static ProviderSnapshot withTimeouts(ProviderSnapshot p, ProviderSnapshot.Timeouts t) {
        return new ProviderSnapshot(p.id(), p.name(), p.protocol(), p.baseUrl(), p.enabled(), t, p.headers(), p.keys(),
                p.models(), p.failoverRules());
    }

    public static PoolSnapshot pool(String name, String strategy, List<PoolSnapshot.Member> members) {
        return new PoolSnapshot(id(), name, strategy, true, members);
    }

    public static ClusterSnapshot cluster(String name, List<ClusterSnapshot.Member> members) {
        return new ClusterSnapshot(id(), name, true, members);
    }

    public static RouteSnapshot route(String pattern, String kind, String target) {
        long id = id();
        return new RouteSnapshot(id, pattern, kind, target, 0, true, id);
    }

    /** Publishes a catalog as catalog-service would and waits until the relay has loaded it. */
    public CatalogSnapshot publish(List<ProviderSnapshot> providers, List<PoolSnapshot> pools,
            List<ClusterSnapshot> clusters, List<RouteSnapshot> routes) {
        long version = Math.max(System.currentTimeMillis() * 1000, catalog.version() + 1) + VERSIONS.incrementAndGet();
        CatalogSnapshot snapshot = new CatalogSnapshot(Schema.CATALOG, version, Instant.now(), new ArrayList<>(providers),
                pools, clusters, routes);
        redis.value(String.class).set(RedisKeys.CATALOG_SNAPSHOT, json(snapshot));
        redis.value(String.class).set(RedisKeys.CATALOG_VERSION, Long.toString(version));
        redis.pubsub(String.class).publish(RedisKeys.CATALOG_EVENTS, json(new CatalogEvent(version)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (catalog.version() < version) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("relay did not load catalog version " + version);
            }
            sleep(20);
        }
        return snapshot;
    }

    /** The usage event the relay wrote for a request since {@code sinceMs}, waiting for it briefly (it is written fire-and-forget). */
    public UsageEvent usageEvent(String requestId, long sinceMs) throws Exception {
        for (int i = 0; i < 100; i++) {
            io.vertx.mutiny.redis.client.Response entries = redis.execute("XRANGE", RedisKeys.USAGE_STREAM,
                    Long.toString(sinceMs), "+");
            for (io.vertx.mutiny.redis.client.Response entry : entries) {
                io.vertx.mutiny.redis.client.Response fields = entry.get(1);
                for (int f = 0; f + 1 < fields.size(); f += 2) {
                    if (UsageEvent.FIELD.equals(fields.get(f).toString())) {
                        UsageEvent e = mapper.readValue(fields.get(f + 1).toString(), UsageEvent.class);
                        if (requestId.equals(e.requestId())) {
                            return e;
                        }
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no usage event for " + requestId);
    }

    public String json(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
