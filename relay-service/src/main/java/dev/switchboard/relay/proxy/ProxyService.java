package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.FailoverSettings;
import dev.switchboard.relay.routing.FailureClassifier;
import dev.switchboard.relay.store.RouteHitStore;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.UpstreamClient;
import dev.switchboard.relay.usage.UsageRecorder;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The request path of the proxied endpoints: admission, resolution and the failover loop of
 * {@link ProxyCall}. Holds the collaborators; one {@link ProxyCall} carries each request's state.
 */
@ApplicationScoped
public class ProxyService {

    final TenantAuthenticator authenticator;
    final LimitService limits;
    final CatalogHolder catalog;
    final CooldownService cooldowns;
    final HeadroomTracker headroom;
    final UsageRecorder usage;
    final UpstreamClient upstream;
    final RelayMetrics metrics;
    final RouteHitStore routeHits;
    final FailureClassifier classifier;
    final Vertx vertx;
    final int maxAttempts;
    final Duration deadline;
    final Duration maxStream;
    final boolean streamUsage;

    public ProxyService(TenantAuthenticator authenticator, LimitService limits, CatalogHolder catalog,
            CooldownService cooldowns, HeadroomTracker headroom, UsageRecorder usage, UpstreamClient upstream,
            RelayMetrics metrics, RouteHitStore routeHits, Vertx vertx, RelayConfig config, FailoverSettings settings) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.catalog = catalog;
        this.cooldowns = cooldowns;
        this.headroom = headroom;
        this.usage = usage;
        this.upstream = upstream;
        this.metrics = metrics;
        this.routeHits = routeHits;
        this.vertx = vertx;
        this.maxAttempts = config.request().maxAttempts();
        this.deadline = config.request().deadline();
        this.maxStream = config.request().maxStream();
        this.streamUsage = config.request().streamUsage();
        this.classifier = new FailureClassifier(settings);
    }

    /** Runs one authenticated, parsed request to its end. */
    public void proxy(RoutingContext rc, Endpoint endpoint, RequestBody body, ApiKeySnapshot key, String requestId,
            long startNanos) {
        new ProxyCall(this, rc, endpoint, body, key, requestId, startNanos).start();
    }
}
