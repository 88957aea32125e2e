package dev.switchboard.relay.config;

import dev.switchboard.relay.routing.FailoverSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link FailoverSettings} of the relay, built from configuration, shared by classifier and cooldowns. */
@ApplicationScoped
public class FailoverSettingsProducer {

    @Produces
    @Singleton
    FailoverSettings failoverSettings(RelayConfig config) {
        RelayConfig.Failover f = config.failover();
        return new FailoverSettings(config.request().maxAttempts(), config.request().deadline(), f.retryAfterCap(),
                f.quotaResetCap(), f.baseBackoff(), f.maxBackoff(), f.quotaCooldown(), f.authCooldown(),
                f.modelNotFoundCooldown());
    }
}
