package dev.switchboard.relay.tracing;

import dev.switchboard.relay.proxy.Endpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.MDC;

/**
 * Starts the span of a tenant request: a child of the client's {@code traceparent} when it sent one, else a
 * new trace. The relay makes these spans itself (Quarkus' Vert.x HTTP instrumentation is off), so each
 * request has exactly one server span and one child per upstream attempt.
 */
@ApplicationScoped
public class RequestTracing {

    /** The MDC key of the trace id in log lines (the same key Quarkus' own instrumentation uses). */
    public static final String MDC_TRACE_ID = "traceId";

    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public RequestTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.switchboard.relay");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /**
     * @param startNanos the request's {@link System#nanoTime()} when it arrived
     */
    public RequestTrace start(MultiMap clientHeaders, Endpoint endpoint, String requestedModel, long startNanos) {
        Context parent = propagator.extract(Context.root(), clientHeaders, HEADERS);
        long startEpochNanos = RequestTrace.epochNanos(startNanos);
        Span span = tracer.spanBuilder("POST " + endpoint.path())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute("gen_ai.operation.name", operation(endpoint))
                .setAttribute("gen_ai.request.model", requestedModel == null ? "" : requestedModel)
                .setAttribute("switchboard.endpoint", endpoint.tag())
                .startSpan();
        RequestTrace trace = new RequestTrace(tracer, propagator, span);
        if (span.getSpanContext().isValid()) {
            MDC.put(MDC_TRACE_ID, span.getSpanContext().getTraceId());
        }
        return trace;
    }

    /** The OpenTelemetry GenAI operation name of an endpoint. */
    static String operation(Endpoint endpoint) {
        return switch (endpoint) {
            case EMBEDDINGS -> "embeddings";
            case COUNT_TOKENS -> "count_tokens";
            case CHAT, MESSAGES, RESPONSES -> "chat";
        };
    }
}
