package dev.switchboard.relay.store;

import dev.switchboard.contracts.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Model-route hit counts: counted in memory on the request path, flushed to
 * {@code sb:catalog:route-hits} with HINCRBY once a second, so counting never costs a round trip.
 */
@ApplicationScoped
public class RouteHitStore {

    private static final Logger LOG = Logger.getLogger(RouteHitStore.class);

    private final ReactiveHashCommands<String, String, Long> hashes;
    private final Vertx vertx;
    private final Map<Long, LongAdder> pending = new ConcurrentHashMap<>();
    private long timer = -1;

    public RouteHitStore(ReactiveRedisDataSource redis, Vertx vertx) {
        this.hashes = redis.hash(String.class, String.class, Long.class);
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1000, id -> flush());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        flush();
    }

    /** Counts one hit of a model route; no I/O. */
    public void hit(long routeId) {
        pending.computeIfAbsent(routeId, id -> new LongAdder()).increment();
    }

    /** Sends the counts gathered since the last flush. */
    public void flush() {
        for (Map.Entry<Long, LongAdder> e : pending.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n == 0) {
                continue;
            }
            long routeId = e.getKey();
            hashes.hincrby(RedisKeys.ROUTE_HITS, Long.toString(routeId), n).subscribe().with(
                    ok -> { },
                    err -> {
                        // put the hits back so the next flush retries them
                        pending.computeIfAbsent(routeId, id -> new LongAdder()).add(n);
                        LOG.debugf("route-hit flush failed: %s", err.getMessage());
                    });
        }
    }
}
