package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;

/**
 * Input of {@link Resolver#resolve}.
 *
 * @param group the effective group (null = no overlay, every model allowed, any platform)
 * @param protocol the endpoint's protocol, openai | anthropic; null = do not check
 * @param cooldowns null = nothing cooling
 * @param headroom null = {@link HeadroomView#NONE}
 */
public record ResolveRequest(String model, GroupSnapshot group, String protocol, CooldownView cooldowns,
        HeadroomView headroom, long nowMs) {
}
