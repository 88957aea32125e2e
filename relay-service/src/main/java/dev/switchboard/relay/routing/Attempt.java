package dev.switchboard.relay.routing;

/**
 * One upstream attempt, as listed in an exhaustion error.
 *
 * @param status upstream status, 0 when there was none (connect error, timeout)
 * @param reason classifier reason code
 */
public record Attempt(String provider, String model, String keyLabel, int status, String reason, long durationMs) {
}
