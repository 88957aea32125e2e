package dev.switchboard.catalog.store;

import dev.switchboard.contracts.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The only code of catalog-service that talks to Redis. */
@ApplicationScoped
public class CatalogStore {

    /**
     * Compare-and-set: writes snapshot + version and announces the version only if it is higher than
     * the stored one, so a slow publisher can never replace a newer catalog with an older one.
     * KEYS: snapshot, version (one hash slot). ARGV: version, snapshot JSON, event JSON, events channel.
     */
    static final String PUBLISH_IF_NEWER = """
            local current = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
            if tonumber(ARGV[1]) <= current then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], ARGV[1])
            redis.call('PUBLISH', ARGV[4], ARGV[3])
            return 1
            """;

    private final RedisDataSource redis;

    public CatalogStore(RedisDataSource redis) {
        this.redis = redis;
    }

    /** @return true if written, false if Redis already holds this or a newer version */
    public boolean publishIfNewer(long version, String snapshotJson, String eventJson) {
        Response r = redis.execute("EVAL", PUBLISH_IF_NEWER, "2",
                RedisKeys.CATALOG_SNAPSHOT, RedisKeys.CATALOG_VERSION,
                Long.toString(version), snapshotJson, eventJson, RedisKeys.CATALOG_EVENTS);
        return r != null && r.toLong() == 1L;
    }

    public Optional<String> snapshot() {
        Response r = redis.execute("GET", RedisKeys.CATALOG_SNAPSHOT);
        return r == null ? Optional.empty() : Optional.of(r.toString());
    }

    public OptionalLong version() {
        Response r = redis.execute("GET", RedisKeys.CATALOG_VERSION);
        return r == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(r.toString()));
    }

    public boolean snapshotExists() {
        Response r = redis.execute("EXISTS", RedisKeys.CATALOG_SNAPSHOT);
        return r != null && r.toLong() > 0;
    }

    /** Hit counters the relays keep per route id; routes never hit are absent (0). */
    public Map<Long, Long> routeHits(List<Long> routeIds) {
        Map<Long, Long> out = new HashMap<>();
        if (routeIds.isEmpty()) {
            return out;
        }
        List<String> args = new ArrayList<>(routeIds.size() + 1);
        args.add(RedisKeys.ROUTE_HITS);
        routeIds.forEach(id -> args.add(Long.toString(id)));
        Response r = redis.execute("HMGET", args.toArray(String[]::new));
        for (int i = 0; r != null && i < routeIds.size(); i++) {
            Response v = r.get(i);
            if (v != null) {
                out.put(routeIds.get(i), Long.parseLong(v.toString()));
            }
        }
        return out;
    }

    public void ping() {
        redis.execute("PING");
    }
}
