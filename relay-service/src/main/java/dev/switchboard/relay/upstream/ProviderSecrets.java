package dev.switchboard.relay.upstream;

import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.relay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Opens provider key ciphertexts with the data keys ({@code SB_DATA_KEYS}); plaintexts are cached by ciphertext.
 * Every catalog load asks {@link #opens} for each enabled key, so a key this relay cannot open is skipped by the
 * resolver ({@code no_credential}) and never reaches an upstream without its credential; each such key is logged
 * once, naming the provider key id and the data key id its ciphertext needs.
 */
@ApplicationScoped
public class ProviderSecrets {

    private static final Logger LOG = Logger.getLogger(ProviderSecrets.class);
    private static final int MAX_CACHED = 10_000;

    private final SecretBox box;
    private final Map<String, String> opened = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    public ProviderSecrets(RelayConfig config) {
        SecretBox b = null;
        if (config.dataKeys().isPresent() && !config.dataKeys().get().isBlank()) {
            try {
                b = SecretBox.fromSpec(config.dataKeys().get());
            } catch (IllegalArgumentException e) {
                LOG.errorf("switchboard.data-keys (SB_DATA_KEYS) is unusable (%s): no upstream key can be opened, "
                        + "the relay stays not ready", e.getMessage());
            }
        } else {
            LOG.error("switchboard.data-keys (SB_DATA_KEYS) is not set: no upstream key can be opened, "
                    + "the relay stays not ready");
        }
        this.box = b;
    }

    /** Whether usable data keys are configured. */
    public boolean configured() {
        return box != null;
    }

    /** Whether the key's secret can be opened; the first failure of each ciphertext is logged with the data key id. */
    public boolean opens(ProviderKeySnapshot key) {
        return secret(key) != null;
    }

    /** The plaintext secret, or null when it cannot be opened. */
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
            if (reported.size() < MAX_CACHED && reported.add(sealed)) {
                int colon = sealed.indexOf(':');
                LOG.errorf("provider key id %d ('%s') cannot be opened: it needs data key id '%s' (%s); it is skipped "
                        + "as no_credential", key.id(), key.label(), colon > 0 ? sealed.substring(0, colon) : "?",
                        e.getMessage());
            }
            return null;
        }
        if (opened.size() >= MAX_CACHED) {
            opened.clear();
        }
        opened.put(sealed, plain);
        return plain;
    }
}
