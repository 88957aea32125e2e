package dev.switchboard.auth.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** In production the internal endpoint must be guarded: refuse to start without a service token. */
@ApplicationScoped
public class InternalTokenCheck {

    static final int MIN_LENGTH = 16;

    private final AuthConfig config;

    public InternalTokenCheck(AuthConfig config) {
        this.config = config;
    }

    void check(@Observes StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        String token = config.internalToken().orElse("");
        if (token.length() < MIN_LENGTH) {
            throw new IllegalStateException("SB_INTERNAL_TOKEN must be set to a secret of at least " + MIN_LENGTH
                    + " characters");
        }
    }
}
