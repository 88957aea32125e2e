package dev.switchboard.relay.config;

import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.routing.FailoverPlanner;
import dev.switchboard.relay.routing.FailoverSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link FailoverSettings} of the relay, built from configuration, and the {@link FailoverPlanner} on it. */
@ApplicationScoped
public class FailoverSettingsProducer {

    @Produces
    @Singleton
    FailoverSettings failoverSettings(RelayConfig config) {
        RelayConfig.Failover f = config.failover();
        return new FailoverSettings(config.request().maxAttempts(), config.request().deadline(), f.retryAfterCap(),
                f.quotaResetCap(), f.baseBackoff(), f.maxBackoff(), f.quotaCooldown(), f.authCooldown(),
                f.modelNotFoundCooldown(), f.unavailableBackoffCap(), f.maxRetryWait(), f.retryBackoff(),
                f.maxContinuations());
    }

    /** The per-request failover decisions ({@link FailoverPlanner#open}), reading and writing the shared cooldowns. */
    @Produces
    @Singleton
    FailoverPlanner failoverPlanner(FailoverSettings settings, CooldownService cooldowns) {
        return new FailoverPlanner(settings, cooldowns, cooldowns, null);
    }
}
