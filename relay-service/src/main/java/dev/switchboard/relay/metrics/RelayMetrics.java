package dev.switchboard.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's own meters (Prometheus names in brackets):
 * requests [switchboard_relay_requests_total], upstream attempt duration
 * [switchboard_relay_upstream_duration_seconds], time to first byte [switchboard_relay_upstream_ttfb_seconds],
 * latency the relay adds [switchboard_relay_overhead_seconds], failovers [switchboard_relay_failovers_total],
 * skipped candidates [switchboard_relay_skips_total], open streams [switchboard_relay_streams_active].
 * Tags are bounded: catalog names and status codes, never the raw requested model.
 */
@ApplicationScoped
public class RelayMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicInteger activeStreams = new AtomicInteger();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("switchboard.relay.streams.active", activeStreams);
    }

    public void request(String endpoint, String model, String provider, int status) {
        String id = "r|" + endpoint + "|" + model + "|" + provider + "|" + status;
        counters.computeIfAbsent(id, k -> Counter.builder("switchboard.relay.requests")
                .description("Tenant requests by endpoint, served model, provider and status")
                .tags("endpoint", endpoint, "model", model, "provider", provider, "status", Integer.toString(status))
                .register(registry)).increment();
    }

    public void upstream(String provider, String outcome, long nanos) {
        String id = "u|" + provider + "|" + outcome;
        timers.computeIfAbsent(id, k -> Timer.builder("switchboard.relay.upstream.duration")
                .description("Duration of upstream attempts, by provider and outcome")
                .tags("provider", provider, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ttfb(String provider, long nanos) {
        timers.computeIfAbsent("t|" + provider, k -> Timer.builder("switchboard.relay.upstream.ttfb")
                .description("Time from sending an upstream request to its first byte (first SSE event for streams)")
                .tags("provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void overhead(String endpoint, long nanos) {
        timers.computeIfAbsent("o|" + endpoint, k -> Timer.builder("switchboard.relay.overhead")
                .description("Latency added by the relay itself: request time minus time spent waiting on upstreams")
                .tags("endpoint", endpoint)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry)).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void failover(String provider, String reason) {
        counters.computeIfAbsent("f|" + provider + "|" + reason, k -> Counter.builder("switchboard.relay.failovers")
                .description("Attempts that failed and moved on to the next candidate, by provider and reason")
                .tags("provider", provider, "reason", reason).register(registry)).increment();
    }

    public void skip(String reason) {
        counters.computeIfAbsent("s|" + reason, k -> Counter.builder("switchboard.relay.skips")
                .description("Candidates left out of a request's chain, by reason")
                .tags("reason", reason).register(registry)).increment();
    }

    /** A committed stream that broke, by what became of it: continued, diverged, failed, not_continuable. */
    public void continuation(String outcome) {
        counters.computeIfAbsent("c|" + outcome, k -> Counter.builder("switchboard.relay.continuations")
                .description("Streams that broke after the first byte and were (or could not be) continued on another candidate")
                .tags("outcome", outcome).register(registry)).increment();
    }

    /** Upstream stream events not forwarded after the commit (unreadable ones), by reason. */
    public void droppedEvents(String reason, int n) {
        counters.computeIfAbsent("d|" + reason, k -> Counter.builder("switchboard.relay.stream.events.dropped")
                .description("Upstream stream events that were not forwarded to the client, by reason")
                .tags("reason", reason).register(registry)).increment(n);
    }

    public void streamOpened() {
        activeStreams.incrementAndGet();
    }

    public void streamClosed() {
        activeStreams.decrementAndGet();
    }
}
