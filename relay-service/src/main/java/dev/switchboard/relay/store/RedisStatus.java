package dev.switchboard.relay.store;

import dev.switchboard.relay.config.RelayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * What the relay currently believes about Redis, so that neither the request path nor readiness waits
 * on a Redis that hangs. A background {@code PING} every {@code switchboard.redis.probe-interval}, answered
 * within {@code switchboard.redis.timeout} or Redis counts as down; a request-path call that times out
 * marks it down at once. While down, request-path reads fail fast (the caller falls back to L1, auth-service
 * or a local decision) and the next successful probe brings it back.
 *
 * <p>Costs one PING per interval per replica; reading the state is a volatile read.
 */
@Singleton
public class RedisStatus {

    private static final Logger LOG = Logger.getLogger(RedisStatus.class);

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final Duration timeout;
    private final long intervalMs;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean up = true;
    private volatile long downSinceMs;
    private volatile long lastProbeMs;
    private long timer = -1;

    public RedisStatus(ReactiveRedisDataSource redis, Vertx vertx, RelayConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.timeout = config.redis().timeout();
        this.intervalMs = Math.max(50, config.redis().probeInterval().toMillis());
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMs, id -> probe());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** False while the last probe or request-path call found Redis unreachable or too slow. */
    public boolean up() {
        return up;
    }

    /** Wall-clock millis since when Redis is down, 0 while up. */
    public long downSinceMs() {
        return downSinceMs;
    }

    /** Wall-clock millis of the last completed probe (0 before the first). */
    public long lastProbeMs() {
        return lastProbeMs;
    }

    /** The bound every request-path Redis call gets. */
    public Duration timeout() {
        return timeout;
    }

    /** A request-path call got no answer in time (or failed to connect). */
    public void markDown(String why) {
        if (up) {
            up = false;
            downSinceMs = System.currentTimeMillis();
            LOG.warnf("Redis unreachable (%s): request path decides without it until a probe answers", why);
        }
    }

    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return; // the previous PING still hangs: it is the one that will time out
        }
        redis.execute("PING").ifNoItem().after(timeout).fail()
                .subscribe().with(r -> {
                    probing.set(false);
                    lastProbeMs = System.currentTimeMillis();
                    if (!up) {
                        LOG.infof("Redis answers again after %d ms", lastProbeMs - downSinceMs);
                        downSinceMs = 0;
                        up = true;
                    }
                }, err -> {
                    probing.set(false);
                    lastProbeMs = System.currentTimeMillis();
                    markDown(err.getClass().getSimpleName());
                });
    }
}
