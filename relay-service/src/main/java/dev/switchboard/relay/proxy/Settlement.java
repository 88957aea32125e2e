package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.limits.Admission;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.usage.UsageRecord;
import dev.switchboard.relay.usage.UsageRecorder;
import org.jboss.logging.Logger;

/**
 * The accounting of one exchange: each attempt's upstream time and the first byte as they happen, and at the
 * end the request metric, the concurrency slot given back and the one usage record. Confined to the
 * exchange's event loop.
 */
final class Settlement {

    private static final Logger LOG = Logger.getLogger(Settlement.class);

    private final Exchange.ClientRequest req;
    private final RelayMetrics metrics;
    private final UsageRecorder usage;
    private long upstreamNanos;
    private Long ttfbMs;

    Settlement(Exchange.ClientRequest req, RelayMetrics metrics, UsageRecorder usage) {
        this.req = req;
        this.metrics = metrics;
        this.usage = usage;
    }

    /** The first attempt that got a byte back sets the request's time to first byte. */
    void firstByte(UpstreamAttempt a) {
        if (ttfbMs == null && a.firstByteNanos() >= 0) {
            ttfbMs = a.firstByteNanos() / 1_000_000;
            metrics.ttfb(a.candidate().provider().name(), a.firstByteNanos());
        }
    }

    void attemptDone(UpstreamAttempt a, String outcome) {
        attemptDone(a, outcome, null);
    }

    /** @param cooled the cooldown the attempt's failure set, null when none */
    void attemptDone(UpstreamAttempt a, String outcome, CooldownState cooled) {
        long n = System.nanoTime() - a.startNanos();
        upstreamNanos += n;
        metrics.upstream(a.candidate().provider().name(), outcome, n);
        req.trace().attempt(a.candidate(), a.startNanos(), outcome, cooled);
    }

    /** The relay's own time so far: the request's age minus the upstream attempts'. */
    void overhead() {
        metrics.overhead(req.endpoint().tag(), System.nanoTime() - req.startNanos() - upstreamNanos);
    }

    /**
     * @param admission null when the request ended before admission answered
     * @param used the tokens the request is billed for
     */
    void settle(int status, Admission admission, String resolvedVia, Candidate served, TokenCount used, int tries) {
        long latencyMs = (System.nanoTime() - req.startNanos()) / 1_000_000;
        metrics.request(req.endpoint().tag(), served == null ? "none" : served.model(),
                served == null ? "none" : served.provider().name(), status);
        if (admission != null && admission.allowed()) {
            if (admission.lease() != null) {
                admission.lease().release();
            }
            try {
                usage.record(new UsageRecord(req.requestId(), req.key(), admission.group(), req.body().model(),
                        resolvedVia, served, used.prompt(), used.completion(), status, tries, latencyMs, ttfbMs,
                        admission.reservation()));
            } catch (RuntimeException e) {
                LOG.warnf("usage record failed: %s", e.getClass().getSimpleName());
            }
        }
        req.trace().end(status, served, used.prompt(), used.completion(), tries);
        LOG.debugf("request finished: status=%d attempts=%d latency=%dms", status, tries, latencyMs);
    }
}
