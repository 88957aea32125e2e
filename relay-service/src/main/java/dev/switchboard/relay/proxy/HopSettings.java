package dev.switchboard.relay.proxy;

import java.time.Duration;

/**
 * The request path's settings ({@code switchboard.request.*}).
 *
 * @param maxAttempts upstream attempts per request, the retry budget
 * @param deadline the whole request, all attempts included, until the first byte reaches the client
 * @param maxStream longest stream, counted from the request's start; zero or less: no limit
 * @param streamUsage ask OpenAI upstreams for the final usage chunk of a stream
 */
record HopSettings(int maxAttempts, Duration deadline, Duration maxStream, boolean streamUsage) {
}
