package dev.switchboard.relay.health;

import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.store.RedisStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means "can serve": a catalog snapshot is loaded (draining is Quarkus' own shutdown check).
 * Redis is reported, not required: the relay serves cached tenants from memory while Redis hangs or is
 * down, and if every replica left the Service at the same Redis blip, nobody would be served. The answer
 * never waits on Redis: its state comes from {@link RedisStatus}'s background probe.
 */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

    private final CatalogHolder catalog;
    private final RedisStatus redis;

    public CatalogReadiness(CatalogHolder catalog, RedisStatus redis) {
        this.catalog = catalog;
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = catalog.loaded();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("relay")
                .status(loaded)
                .withData("catalogLoaded", loaded)
                .withData("catalogVersion", catalog.version())
                .withData("redis", redis.up() ? "up" : "down");
        if (!redis.up()) {
            b.withData("redisDownSinceMs", redis.downSinceMs());
        }
        return b.build();
    }
}
