package dev.switchboard.auth.ledger;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.store.UsageStreamStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The gauge {@code switchboard.ledger.lag}: events of {@code sb:usage} the {@code auth-ledger} group has not
 * settled yet (not delivered + delivered and not acknowledged), for the whole group, so every replica reports
 * the same number. Sampled every {@code lag-interval} on its own thread, never by the consumer; a sample waits
 * at most {@code lag-timeout} for Redis, and the gauge reads NaN while the last sample failed or Redis could
 * not tell (no group yet, or no lag after entries were deleted mid-stream).
 */
@ApplicationScoped
public class LedgerLag {

    private static final Logger LOG = Logger.getLogger(LedgerLag.class);

    private final UsageStreamStore stream;
    private final AuthConfig config;
    private final MeterRegistry registry;

    public LedgerLag(UsageStreamStore stream, AuthConfig config, MeterRegistry registry) {
        this.stream = stream;
        this.config = config;
        this.registry = registry;
    }

    private volatile double value = Double.NaN;
    private ScheduledExecutorService sampler;

    void start(@Observes StartupEvent event) {
        if (!config.ledger().enabled()) {
            return;
        }
        Gauge.builder("switchboard.ledger.lag", this, LedgerLag::value)
                .description("Usage events the ledger has not settled yet (XINFO GROUPS lag + pending)").register(registry);
        sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("usage-ledger-lag").daemon().factory());
        long every = config.ledger().lagInterval().toMillis();
        sampler.scheduleWithFixedDelay(() -> sampleOnce(config.ledger().lagTimeout()), 0, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** The last sample. */
    public double value() {
        return value;
    }

    /** Takes one sample, waiting at most {@code timeout}. @return the new value (NaN when unknown) */
    public double sampleOnce(Duration timeout) {
        double next;
        try {
            OptionalLong backlog = stream.backlog(timeout);
            next = backlog.isPresent() ? backlog.getAsLong() : Double.NaN;
        } catch (RuntimeException e) {
            LOG.debugf("ledger lag not sampled (%s)", e.getClass().getSimpleName());
            next = Double.NaN;
        }
        value = next;
        return next;
    }
}
