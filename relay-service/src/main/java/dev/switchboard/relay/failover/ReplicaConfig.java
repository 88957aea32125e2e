package dev.switchboard.relay.failover;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Identity of this relay instance (prefix {@code switchboard}, beside the relay's own settings). */
@ConfigMapping(prefix = "switchboard")
public interface ReplicaConfig {

    /**
     * Name this replica writes into the cooldowns it sets (shown by {@code GET /admin/cooldowns}), e.g. the
     * pod name; default: host name plus a random suffix.
     */
    Optional<String> replicaId();
}
