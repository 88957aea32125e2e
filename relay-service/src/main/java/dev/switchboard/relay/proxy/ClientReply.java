package dev.switchboard.relay.proxy;

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
}
