package dev.switchboard.relay.routing;

import java.util.Map;

/**
 * How one upstream attempt failed.
 *
 * @param status HTTP status, 0 when there was none
 * @param body error body (or the in-band error event), may be null
 * @param headers response headers with lower-case names, may be null
 */
public record AttemptOutcome(Kind kind, int status, String body, Map<String, String> headers) {

    public AttemptOutcome {
        headers = headers == null ? Map.of() : headers;
    }

    public static AttemptOutcome http(int status, String body, Map<String, String> headers) {
        return new AttemptOutcome(Kind.HTTP_ERROR, status, body, headers);
    }

    public static AttemptOutcome of(Kind kind) {
        return new AttemptOutcome(kind, 0, null, Map.of());
    }

    /**
     * The line between the connect kinds and the rest is what the request reached: only a failure to
     * establish the connection (refused, DNS, TLS handshake, connect timeout) says the provider is
     * unreachable; anything after the request was written is a failure of this attempt.
     */
    public enum Kind {
        /** an upstream answer with an error status */
        HTTP_ERROR,
        /** the connection was never established: refused, unknown host, TLS handshake failure */
        CONNECT_ERROR,
        /** the connection was not established within {@code timeouts.connectMs} */
        CONNECT_TIMEOUT,
        /**
         * the connection was reset or closed after the request was written and before the answer was
         * complete (no headers yet, or a JSON body cut short); not a stale pooled connection, which the
         * hop re-sends without counting an attempt
         */
        RESET_AFTER_WRITE,
        /** no response headers within {@code timeouts.firstByteMs} */
        FIRST_BYTE_TIMEOUT,
        /** a stream's headers came, its first content-bearing event not within {@code timeouts.firstTokenMs} */
        FIRST_TOKEN_TIMEOUT,
        /** no stream event within {@code timeouts.idleMs} */
        IDLE_TIMEOUT,
        /** an SSE event whose data is not JSON (never forwarded) */
        MALFORMED_EVENT,
        /** in-band error event, or a cut/error after the first byte */
        STREAM_ERROR,
        CLIENT_CANCELLED
    }
}
