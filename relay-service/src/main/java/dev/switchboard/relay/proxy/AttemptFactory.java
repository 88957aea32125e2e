package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.UpstreamClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Prepares one attempt of an exchange against one candidate: the body in the candidate's dialect (the
 * tenant's bytes with the model spliced in, or a {@link Translation} when the candidate speaks the other
 * protocol), whether the upstream is asked for stream usage, and how the client is fed from its events.
 */
final class AttemptFactory {

    private final UpstreamClient upstream;
    private final HeadroomTracker headroom;
    private final Vertx vertx;
    private final boolean streamUsage;
    private final int translationMaxTokens;

    AttemptFactory(UpstreamClient upstream, HeadroomTracker headroom, Vertx vertx, boolean streamUsage,
            int translationMaxTokens) {
        this.upstream = upstream;
        this.headroom = headroom;
        this.vertx = vertx;
        this.streamUsage = streamUsage;
        this.translationMaxTokens = translationMaxTokens;
    }

    /**
     * @throws TranslationException the candidate speaks the other protocol and the request uses what it cannot
     *         honour (or is invalid for the translation): nothing was sent
     */
    UpstreamAttempt create(Exchange.ClientRequest req, Candidate c, OnContext on) {
        Dialect dialect = Dialect.serving(c.provider(), req.endpoint().dialect());
        RequestBody body = req.body();
        if (req.endpoint() == Endpoint.COUNT_TOKENS && dialect != req.endpoint().dialect()) {
            return new UpstreamAttempt(UpstreamAttempt.Plan.local(c, dialect, Translation.countTokensEstimate(body)),
                    upstream, headroom, new QuietTimer(vertx, on), on);
        }
        if (dialect != req.endpoint().dialect()) {
            Translation t = new Translation(req.endpoint().dialect(), dialect, body, req.requestId());
            Buffer payload = t.request(body, c.upstreamModel(), translationMaxTokens, streamUsage);
            return new UpstreamAttempt(new UpstreamAttempt.Plan(c, dialect, dialect.chatPath(), payload, req.headers(),
                    req.requestId(), StreamTap.Feed.TRANSLATED, t), upstream, headroom, new QuietTimer(vertx, on), on);
        }
        boolean askUsage = req.endpoint().streams() && dialect.asksStreamUsage(body, streamUsage);
        // the relay asked for usage the client did not: its usage-only chunk is left out of the client's stream
        boolean hideUsage = askUsage && !body.clientAskedUsage();
        UpstreamAttempt.Plan plan = new UpstreamAttempt.Plan(c, dialect, req.endpoint().path(),
                dialect.passthrough(body, c.upstreamModel(), askUsage), req.headers(), req.requestId(),
                hideUsage ? StreamTap.Feed.FILTERED : StreamTap.Feed.RAW, null);
        return new UpstreamAttempt(plan, upstream, headroom, new QuietTimer(vertx, on), on);
    }
}
