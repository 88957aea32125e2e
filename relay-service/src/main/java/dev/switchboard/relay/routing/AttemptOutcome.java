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

    public enum Kind {
        HTTP_ERROR, CONNECT_ERROR, CONNECT_TIMEOUT, FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT,
        /** in-band error event, or a cut/error after the first byte */
        STREAM_ERROR,
        CLIENT_CANCELLED
    }
}
