package dev.switchboard.relay.tracing;

import dev.switchboard.relay.config.RelayConfig;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Where spans go: OTLP over HTTP to {@code OTEL_EXPORTER_OTLP_ENDPOINT} when it is set, nowhere otherwise (the
 * spans are still made: trace ids in the logs, {@code traceparent} to the upstreams). Quarkus' own OTLP
 * exporter is off at build time, as it would send to localhost when nothing is configured.
 */
public class SpanExport {

    private static final Logger LOG = Logger.getLogger(SpanExport.class);

    @Produces
    @Singleton
    SpanExporter exporter(RelayConfig config) {
        Optional<String> endpoint = config.tracing().otlpEndpoint();
        if (endpoint.isEmpty() || endpoint.get().isBlank()) {
            return new Discard();
        }
        String base = endpoint.get().strip();
        String url = base.endsWith("/v1/traces") ? base : base.replaceAll("/+$", "") + "/v1/traces";
        LOG.infof("exporting spans over OTLP/HTTP to %s", url);
        return OtlpHttpSpanExporter.builder().setEndpoint(url).build();
    }

    /** Drops every span. */
    static final class Discard implements SpanExporter {

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
