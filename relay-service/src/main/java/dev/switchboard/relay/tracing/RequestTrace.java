package dev.switchboard.relay.tracing;

import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownState;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import java.util.concurrent.TimeUnit;

/**
 * The spans of one tenant request: the request span and, as each upstream attempt ends, its child span (made
 * with the attempt's own start time). Confined to the request's event loop, like the exchange.
 */
public final class RequestTrace {

    private static final long NANO_OFFSET = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final Span span;
    private final Context context;
    private int attempts;
    private boolean ended;

    RequestTrace(Tracer tracer, TextMapPropagator propagator, Span span) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.span = span;
        this.context = Context.root().with(span);
    }

    static long epochNanos(long nanoTime) {
        return NANO_OFFSET + nanoTime;
    }

    public String traceId() {
        return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
    }

    /** Sets {@code traceparent} (and {@code tracestate}) of the request span on the headers sent upstream. */
    public void inject(MultiMap upstreamHeaders) {
        upstreamHeaders.remove("traceparent");
        upstreamHeaders.remove("tracestate");
        if (span.getSpanContext().isValid()) {
            propagator.inject(context, upstreamHeaders, (carrier, key, value) -> carrier.set(key, value));
        }
    }

    /**
     * One upstream attempt, ended now.
     *
     * @param startNanos the attempt's {@link System#nanoTime()} when it started
     * @param outcome {@code ok} or the reason code the attempt failed with
     * @param cooled the cooldown the failure set (scope and seconds as attributes while active), null when none
     */
    public void attempt(Candidate c, long startNanos, String outcome, CooldownState cooled) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        attempts++;
        Span a = tracer.spanBuilder("upstream " + c.provider().name())
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.provider.name", c.provider().protocol().toString())
                .setAttribute("gen_ai.request.model", c.upstreamModel())
                .setAttribute("server.address", c.provider().baseUrl())
                .setAttribute("switchboard.provider", c.provider().name())
                .setAttribute("switchboard.candidate", c.label())
                .setAttribute("switchboard.attempt", attempts)
                .setAttribute("switchboard.outcome", outcome)
                .startSpan();
        if (!"ok".equals(outcome)) {
            a.setStatus(StatusCode.ERROR, outcome);
        }
        long now = System.currentTimeMillis();
        if (cooled != null && cooled.activeAt(now)) {
            a.setAttribute("switchboard.cooldown.scope", cooled.scope());
            a.setAttribute("switchboard.cooldown.seconds", cooled.secondsLeft(now));
        }
        a.end();
    }

    /**
     * The request's end.
     *
     * @param served the candidate that answered, null when none did
     */
    public void end(int status, Candidate served, long inputTokens, long outputTokens, int tries) {
        if (ended) {
            return;
        }
        ended = true;
        span.setAttribute("http.response.status_code", status);
        span.setAttribute("switchboard.attempts", tries);
        if (served != null) {
            span.setAttribute("gen_ai.response.model", served.model());
            span.setAttribute("gen_ai.provider.name", served.provider().protocol().toString());
            span.setAttribute("switchboard.provider", served.provider().name());
        }
        span.setAttribute("gen_ai.usage.input_tokens", inputTokens);
        span.setAttribute("gen_ai.usage.output_tokens", outputTokens);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
