package dev.switchboard.relay.failover;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Shared cooldowns (prefix {@code switchboard.cooldowns}). The replica id is {@code switchboard.replica-id}. */
@ConfigMapping(prefix = "switchboard.cooldowns")
public interface CooldownConfig {

    /** How often every cooldown is re-read from Redis, healing a lost {@code sb:cd:events} message. */
    @WithDefault("5s")
    Duration backstopInterval();

    /**
     * Minimum time an expired cooldown stays in Redis as half-open (waiting for its probe); the grace is at
     * least as long as the cooldown itself.
     */
    @WithDefault("60s")
    Duration halfOpenGrace();

    /** Lifetime of the half-open probe lock: another replica may probe once it lapses without an outcome. */
    @WithDefault("30s")
    Duration probeLockTimeout();

    /** Pause before re-subscribing to {@code sb:cd:events} after the subscription failed or ended. */
    @WithDefault("1s")
    Duration resubscribeDelay();
}
