package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;

/**
 * Input of {@link Resolver#resolve}.
 *
 * @param group the effective group (null = no overlay, every model allowed, any platform)
 * @param protocol the endpoint's protocol, openai | anthropic; null = do not check
 * @param cooldowns null = nothing cooling
 * @param headroom null = {@link HeadroomView#NONE}
 * @param translates candidates of the other protocol can serve (they are translated): they stay in the
 *        chain instead of being skipped as {@code protocol_mismatch}; where the order is the catalog's rather
 *        than the operator's (a model name several providers list), those speaking {@code protocol} come first
 * @param metered the tenant's usage moves money (a balance or a spend budget): a candidate without a
 *        {@link CandidatePrice price} is skipped as {@code model_not_priced}
 */
public record ResolveRequest(String model, GroupSnapshot group, String protocol, CooldownView cooldowns,
        HeadroomView headroom, long nowMs, boolean translates, boolean metered) {

    /** For an unmetered tenant: every candidate serves, priced or not. */
    public ResolveRequest(String model, GroupSnapshot group, String protocol, CooldownView cooldowns,
            HeadroomView headroom, long nowMs, boolean translates) {
        this(model, group, protocol, cooldowns, headroom, nowMs, translates, false);
    }

    /** Without translation: a candidate of another protocol is a {@code protocol_mismatch}. */
    public ResolveRequest(String model, GroupSnapshot group, String protocol, CooldownView cooldowns,
            HeadroomView headroom, long nowMs) {
        this(model, group, protocol, cooldowns, headroom, nowMs, false, false);
    }
}
