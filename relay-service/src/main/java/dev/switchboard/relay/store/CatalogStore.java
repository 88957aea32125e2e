package dev.switchboard.relay.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.events.CatalogEvent;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads the catalog snapshot catalog-service publishes to Redis. */
@ApplicationScoped
public class CatalogStore {

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;

    public CatalogStore(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.mapper = mapper;
    }

    /** The published snapshot, or null when none was published yet. */
    public Uni<CatalogSnapshot> snapshot() {
        return values.get(RedisKeys.CATALOG_SNAPSHOT).map(json -> {
            if (json == null) {
                return null;
            }
            try {
                return mapper.readValue(json, CatalogSnapshot.class);
            } catch (IOException e) {
                throw new UncheckedIOException("malformed catalog snapshot in Redis", e);
            }
        });
    }

    /** Published version, or -1 when none. */
    public Uni<Long> version() {
        return values.get(RedisKeys.CATALOG_VERSION).map(v -> v == null ? -1L : Long.parseLong(v.trim()));
    }

    public Multi<CatalogEvent> events() {
        return redis.pubsub(String.class).subscribe(RedisKeys.CATALOG_EVENTS).map(json -> {
            try {
                return mapper.readValue(json, CatalogEvent.class);
            } catch (IOException e) {
                throw new UncheckedIOException("malformed catalog event", e);
            }
        });
    }

    /** Round trip used by readiness. */
    public Uni<Void> ping() {
        return redis.execute("PING").replaceWithVoid();
    }
}
