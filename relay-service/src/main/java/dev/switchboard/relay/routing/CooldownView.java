package dev.switchboard.relay.routing;

/** Read access to cooldowns; the relay's implementation reads only its near-cache. */
@FunctionalInterface
public interface CooldownView {

    /** Nothing is cooling down. */
    CooldownView NONE = scope -> null;

    /** The entry of one scope, or null when there is none. */
    CooldownState get(String scope);
}
