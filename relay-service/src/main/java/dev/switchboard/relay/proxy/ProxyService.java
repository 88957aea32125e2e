package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.FailoverPlanner;
import dev.switchboard.relay.store.RouteHitStore;
import dev.switchboard.relay.tracing.RequestTrace;
import dev.switchboard.relay.tracing.RequestTracing;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.UpstreamClient;
import dev.switchboard.relay.usage.UsageRecorder;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The request path of the proxied endpoints: one {@link Exchange} per client request, built from the
 * application's collaborators. The shared, stateless parts (resolution into a candidate queue, attempt
 * preparation) are built once here.
 */
@ApplicationScoped
public class ProxyService {

    private final LimitService limits;
    private final CooldownService cooldowns;
    private final UsageRecorder usage;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final HopSettings settings;
    private final ChainResolver resolver;
    private final AttemptFactory attempts;
    private final RequestTracing tracing;

    public ProxyService(LimitService limits, CatalogHolder catalog, CooldownService cooldowns, HeadroomTracker headroom,
            UsageRecorder usage, UpstreamClient upstream, RelayMetrics metrics, RouteHitStore routeHits, Vertx vertx,
            RelayConfig config, FailoverPlanner planner, RequestTracing tracing) {
        this.tracing = tracing;
        this.limits = limits;
        this.cooldowns = cooldowns;
        this.usage = usage;
        this.metrics = metrics;
        this.vertx = vertx;
        RelayConfig.Request r = config.request();
        this.settings = new HopSettings(r.maxAttempts(), r.deadline(), r.maxStream(), r.streamUsage());
        this.resolver = new ChainResolver(catalog, cooldowns, headroom, routeHits, metrics, planner);
        this.attempts = new AttemptFactory(upstream, headroom, vertx, settings.streamUsage(), r.translationMaxTokens());
    }

    /** Runs one authenticated, parsed request to its end. */
    public void proxy(RoutingContext rc, Endpoint endpoint, RequestBody body, ApiKeySnapshot key, String requestId,
            long startNanos) {
        MultiMap headers = rc.request().headers();
        RequestTrace trace = tracing.start(headers, endpoint, body.model(), startNanos);
        trace.inject(headers); // forwarded upstream: the upstream's spans join this request's trace
        new Exchange(new Exchange.ClientRequest(endpoint, body, key, requestId, startNanos, headers, trace),
                rc.response(), limits, resolver, cooldowns, attempts, usage, metrics, settings, vertx).start();
    }
}
