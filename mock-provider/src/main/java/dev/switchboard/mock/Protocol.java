package dev.switchboard.mock;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** What differs between the wire formats: OpenAI chat completions, Anthropic messages, OpenAI Responses. */
abstract sealed class Protocol permits OpenAi, Anthropic, Responses {

    /**
     * SSE events before the terminator, the terminator ({@code [DONE]} / {@code message_stop}), and the
     * index of the first content-bearing event (a {@code first-token} fault delays that one).
     */
    record Stream(List<Buffer> events, Buffer terminator, int firstContent) {
        Stream(List<Buffer> events, Buffer terminator) {
            this(events, terminator, 0);
        }
    }

    /** The message of a 400 for an assistant prefill on a {@code no-prefill} model (Anthropic's wording). */
    static final String PREFILL_REJECTED = "This model does not support assistant message prefill. "
            + "The conversation must end with a user message.";

    static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
    static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("retry-after");

    /** Default Retry-After seconds on a 429 when the fault does not say. */
    static final int DEFAULT_RETRY_AFTER = 1;

    /** Error body for an HTTP status; {@code code} (may be null) refines or overrides the error kind. */
    abstract Buffer errorBody(int status, String code, String model, String requestId);

    /** Headers an error response carries besides the content type (Retry-After, rate-limit state). */
    abstract void errorHeaders(MultiMap headers, int status, String code, Integer retryAfter, String requestId);

    abstract void successHeaders(MultiMap headers, Fault fault, long promptTokens, String requestId);

    abstract Buffer badRequest(String message, String param, String requestId);

    abstract Buffer completion(Prompt prompt, String id);

    abstract Stream stream(Prompt prompt, String id);

    /** The error as an SSE event (HTTP 200, error first). */
    abstract Buffer inbandErrorEvent(int status, String code, String model, String requestId);

    /** Status whose error an {@code inband-error} fault carries when no {@code status} is given. */
    abstract int defaultInbandStatus();

    abstract Buffer malformedBody();

    /** One unparseable SSE event, shaped like the protocol's content events. */
    abstract Buffer malformedEvent();

    Stream malformedStream() {
        return new Stream(List.of(malformedEvent()), terminator());
    }

    abstract Buffer terminator();

    /** Whether a trailing assistant message is continued (a prefill) rather than ignored. */
    abstract boolean continuesPrefill();

    /** Tool-call ids are this prefix, a hash of the user text and the call's index. */
    abstract String toolCallIdPrefix();

    /** Retry-After seconds to send, or -1. */
    static int retryAfterSeconds(int status, String code, Integer retryAfter) {
        if (retryAfter != null) {
            return retryAfter;
        }
        return status == 429 && !"insufficient_quota".equals(code) ? DEFAULT_RETRY_AFTER : -1;
    }

    static String resetInstant(long seconds) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(Math.max(1, seconds)).toString();
    }
}
