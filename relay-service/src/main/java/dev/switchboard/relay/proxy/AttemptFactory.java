package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.UpstreamClient;
import io.vertx.core.Vertx;

/**
 * Prepares one attempt of an exchange against one candidate: the body in the candidate's dialect, whether
 * the upstream is asked for stream usage, and how the client is fed from the upstream's events.
 */
final class AttemptFactory {

    private final UpstreamClient upstream;
    private final HeadroomTracker headroom;
    private final Vertx vertx;
    private final boolean streamUsage;

    AttemptFactory(UpstreamClient upstream, HeadroomTracker headroom, Vertx vertx, boolean streamUsage) {
        this.upstream = upstream;
        this.headroom = headroom;
        this.vertx = vertx;
        this.streamUsage = streamUsage;
    }

    UpstreamAttempt create(Exchange.ClientRequest req, Candidate c, OnContext on) {
        Dialect dialect = Dialect.of(c.provider().protocol());
        RequestBody body = req.body();
        boolean askUsage = req.endpoint().streams() && dialect.asksStreamUsage(body, streamUsage);
        // the relay asked for usage the client did not: its usage-only chunk is left out of the client's stream
        boolean hideUsage = askUsage && !body.clientAskedUsage();
        UpstreamAttempt.Plan plan = new UpstreamAttempt.Plan(c, dialect, req.endpoint().path(),
                dialect.passthrough(body, c.upstreamModel(), askUsage), req.headers(), req.requestId(),
                hideUsage ? StreamTap.Feed.FILTERED : StreamTap.Feed.RAW);
        return new UpstreamAttempt(plan, upstream, headroom, new QuietTimer(vertx, on), on);
    }
}
