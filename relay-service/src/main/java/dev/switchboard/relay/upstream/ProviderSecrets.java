package dev.switchboard.relay.upstream;

import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.relay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Opens provider key ciphertexts with the data keys ({@code SB_DATA_KEYS}); plaintexts are cached by ciphertext. */
@ApplicationScoped
public class ProviderSecrets {

    private static final Logger LOG = Logger.getLogger(ProviderSecrets.class);
    private static final int MAX_CACHED = 10_000;

    private final SecretBox box;
    private final Map<String, String> opened = new ConcurrentHashMap<>();

    public ProviderSecrets(RelayConfig config) {
        SecretBox b = null;
        if (config.dataKeys().isPresent() && !config.dataKeys().get().isBlank()) {
            b = SecretBox.fromSpec(config.dataKeys().get());
        } else {
            LOG.warn("switchboard.data-keys (SB_DATA_KEYS) is not set: upstream keys cannot be decrypted");
        }
        this.box = b;
    }

    /** The plaintext secret, or null when it cannot be opened (the attempt then fails as an upstream auth error). */
    public String secret(ProviderKeySnapshot key) {
        String sealed = key.secretCiphertext();
        if (sealed == null || box == null) {
            return null;
        }
        String plain = opened.get(sealed);
        if (plain != null) {
            return plain;
        }
        try {
            plain = box.open(sealed);
        } catch (IllegalArgumentException e) {
            LOG.warnf("provider key '%s' cannot be decrypted: %s", key.label(), e.getMessage());
            return null;
        }
        if (opened.size() >= MAX_CACHED) {
            opened.clear();
        }
        opened.put(sealed, plain);
        return plain;
    }
}
