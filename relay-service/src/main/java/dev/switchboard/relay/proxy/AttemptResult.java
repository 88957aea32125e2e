package dev.switchboard.relay.proxy;

import dev.switchboard.relay.routing.AttemptOutcome;
import io.vertx.core.buffer.Buffer;

/** How one {@link UpstreamAttempt} ended before anything reached the client; exactly one per attempt. */
sealed interface AttemptResult {

    /** A whole 2xx answer that is not a stream. */
    record Answered(int status, String contentType, Buffer body) implements AttemptResult {
    }

    /**
     * A 2xx stream whose first complete event arrived and is not an error: the upstream really serves.
     * {@code pending} is what the client gets first; {@link UpstreamAttempt#handOver} passes the rest on.
     */
    record FirstEvent(Buffer pending) implements AttemptResult {
    }

    /** The attempt failed; {@code contentType} is the upstream's for an HTTP error answer, else null. */
    record Failed(AttemptOutcome outcome, String contentType) implements AttemptResult {
    }
}
