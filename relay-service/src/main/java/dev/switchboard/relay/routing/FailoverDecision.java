package dev.switchboard.relay.routing;

import java.time.Duration;

/**
 * What to do after a failed attempt.
 *
 * @param scope what to cool down; null = nothing
 * @param hint upstream (or operator rule) duration, already capped; null = the policy decides
 * @param reason short snake_case reason code
 * @param rateLimited true for rate limits (429 on exhaustion)
 */
public record FailoverDecision(Action action, CooldownScope.Kind scope, Duration hint, String reason,
        boolean rateLimited) {

    public enum Action {
        /** try the next candidate */
        NEXT,
        /** return the upstream response unchanged */
        RELAY,
        /** the client went away: stop at once */
        STOP
    }
}
