package dev.switchboard.relay.proxy;

import dev.switchboard.relay.routing.AttemptOutcome;
import dev.switchboard.relay.routing.Exhaustion;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.ExhaustionDetail;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.translate.Translator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** What goes back to the client, in the client's dialect: the served headers and the error answers. */
final class ClientReply {

    private final HttpServerResponse out;
    private final Dialect dialect;

    ClientReply(HttpServerResponse out, Dialect dialect) {
        this.out = out;
        this.dialect = dialect;
    }

    HttpServerResponse out() {
        return out;
    }

    /** Whether anything can still be written (nothing went out yet and the client is still there). */
    boolean open() {
        return !out.headWritten() && !out.closed();
    }

    /** @param translated the translation direction, null when the candidate speaks the client's protocol */
    void served(Candidate c, int status, int attempts, String translated) {
        out.setStatusCode(status);
        if (translated != null) {
            out.putHeader("x-switchboard-translated", translated);
        }
        out.putHeader("x-switchboard-provider", c.provider().name());
        out.putHeader("x-switchboard-model", c.model());
        out.putHeader("x-switchboard-attempts", Integer.toString(attempts));
    }

    void startStream() {
        out.putHeader("content-type", "text/event-stream; charset=utf-8");
        out.putHeader("cache-control", "no-cache");
        out.setChunked(true);
    }

    /** An error answer before anything was committed; no-op once something went out. */
    void error(int status, String code, String message, Long retryAfter, ExhaustionDetail detail, int attempts) {
        if (!open()) {
            return;
        }
        out.setStatusCode(status);
        out.putHeader("content-type", "application/json");
        if (attempts > 0) {
            out.putHeader("x-switchboard-attempts", Integer.toString(attempts));
        }
        if (retryAfter != null) {
            out.putHeader("retry-after", Long.toString(retryAfter));
        }
        out.end(Buffer.buffer(dialect.errorBody(status, code, message, detail)));
    }

    /** The 400 for a request no candidate could be sent without what its translation cannot express. */
    void refused(int status, TranslationException e, Dialect client) {
        if (!open()) {
            return;
        }
        out.setStatusCode(status);
        out.putHeader("content-type", "application/json");
        out.end(Translator.error(client.translationWire(), e));
    }

    /**
     * Ends a committed stream with the explicit error event.
     *
     * @param sequence the number the client's next event gets, on a dialect that numbers events (Responses); else -1
     */
    void endStream(long sequence, String code, String message, boolean writeError) {
        if (!out.closed()) {
            if (writeError) {
                out.write(dialect.streamError(code, message, sequence));
            }
            out.end();
        }
    }

    /** The answer for a chain that ran out: 429, 502 or 503 with the attempts and skips, and Retry-After. */
    void exhausted(Exhaustion ex, String model, ExhaustionDetail detail, int attempts) {
        switch (ex.status()) {
            case 429 -> error(429, "rate_limited", "Every upstream for '" + model + "' is rate limited; retry later",
                    ex.retryAfterSeconds(), detail, attempts);
            case 502 -> error(502, "upstream_failed", "Every upstream for '" + model + "' failed",
                    ex.retryAfterSeconds(), detail, attempts);
            default -> error(ex.status(), "no_upstream_available", "No upstream is available for '" + model
                    + "' right now", ex.retryAfterSeconds(), detail, attempts);
        }
    }

    /**
     * The upstream's own error answer in front of the client (a 400 about the request, say), in the client's
     * shape when the candidate was translated.
     *
     * @return the status sent
     */
    int relayed(Candidate c, AttemptOutcome outcome, String contentType, Translation t, int attempts) {
        int status = outcome.status() == 0 ? 502 : outcome.status();
        String body = outcome.body() == null ? "" : outcome.body();
        if (t != null) {
            Translator.TranslatedError te = t.error(status, body);
            status = te.status();
            body = te.body();
            contentType = null;
        }
        served(c, status, attempts, t == null ? null : t.direction());
        out.putHeader("content-type", contentType == null || outcome.status() == 0 ? "application/json" : contentType);
        out.end(body);
        return out.getStatusCode();
    }
}
