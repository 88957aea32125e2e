package dev.switchboard.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Published on {@code sb:cd:events} when a cooldown is set, extended or cleared.
 *
 * @param scope e.g. {@code key_model:12:gpt-4o}
 * @param untilEpochMs deadline; 0 = cleared
 * @param reason reason code of the classifier
 * @param replica the relay instance that set it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CooldownEvent(String scope, long untilEpochMs, String reason, String replica) {
}
