package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.KeyView;
import dev.switchboard.catalog.api.Views.RotationView;
import dev.switchboard.catalog.entity.ProviderKey;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ProviderKeyRepository;
import dev.switchboard.contracts.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Set;

/**
 * Upstream keys of a provider. The secret is write-only: it is sealed with the active data key on
 * the way in and only a label and the last four characters ever come back out.
 */
@ApplicationScoped
public class KeyService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(KeyService.class);

    static final Set<String> FIELDS = Set.of("label", "secret", "rpm", "tpm", "weight", "enabled");
    static final int MIN_SECRET = 8;
    static final int MAX_SECRET = 4096;

    private final ProviderKeyRepository keys;
    private final IntegrityRepository integrity;
    private final ProviderService providers;
    private final SecretBox secretBox;
    private final Event<CatalogChanged> changed;

    public KeyService(ProviderKeyRepository keys, IntegrityRepository integrity, ProviderService providers,
            SecretBox secretBox, Event<CatalogChanged> changed) {
        this.keys = keys;
        this.integrity = integrity;
        this.providers = providers;
        this.secretBox = secretBox;
        this.changed = changed;
    }

    public Page<KeyView> list(long providerId, int page, int size) {
        providers.find(providerId);
        var query = keys.byProvider(providerId);
        List<ProviderKey> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        return new Page<>(items.stream().map(KeyService::view).toList(), page, size, query.count());
    }

    public KeyView get(long providerId, long keyId) {
        return view(find(providerId, keyId));
    }

    @Transactional
    public KeyView create(long providerId, JsonNode body) {
        integrity.lockCatalog();
        providers.find(providerId);
        Fields f = Fields.of(body, FIELDS);
        f.require("label");
        f.require("secret");
        ProviderKey k = new ProviderKey();
        k.providerId = providerId;
        k.weight = 1;
        k.enabled = true;
        apply(k, f);
        keys.persist(k);
        changed.fire(new CatalogChanged("provider key " + k.id + " created"));
        return view(k);
    }

    @Transactional
    public KeyView patch(long providerId, long keyId, JsonNode body) {
        integrity.lockCatalog();
        ProviderKey k = find(providerId, keyId);
        apply(k, Fields.of(body, FIELDS));
        changed.fire(new CatalogChanged("provider key " + keyId + " updated"));
        return view(k);
    }

    @Transactional
    public void delete(long providerId, long keyId) {
        integrity.lockCatalog();
        keys.delete(find(providerId, keyId));
        changed.fire(new CatalogChanged("provider key " + keyId + " deleted"));
    }

    /** Re-seals every secret sealed with a data key other than the active one. */
    @Transactional
    public RotationView rotateEncryption() {
        integrity.lockCatalog();
        int resealed = 0;
        int unreadable = 0;
        List<ProviderKey> due = keys.notSealedWith(secretBox.activeKeyId());
        for (ProviderKey k : due) {
            if (secretBox.needsRotation(k.secretCiphertext)) {
                try {
                    k.secretCiphertext = secretBox.seal(secretBox.open(k.secretCiphertext));
                    resealed++;
                } catch (IllegalArgumentException e) {
                    // sealed with a data key no longer configured: the secret must be entered again
                    unreadable++;
                    LOG.warnf("provider key %d is sealed with an unknown data key; set its secret again", k.id);
                }
            }
        }
        if (resealed > 0) {
            changed.fire(new CatalogChanged(resealed + " provider keys re-sealed"));
        }
        return new RotationView(secretBox.activeKeyId(), resealed, unreadable);
    }

    private ProviderKey find(long providerId, long keyId) {
        ProviderKey k = keys.findById(keyId);
        if (k == null || k.providerId != providerId) {
            throw ApiProblem.notFound("provider key", keyId);
        }
        return k;
    }

    private void apply(ProviderKey k, Fields f) {
        String label = k.label;
        if (f.has("label")) {
            label = f.text("label");
            if (label != null && label.length() > Names.MAX_NAME) {
                f.error("label", "must be at most " + Names.MAX_NAME + " characters");
            }
        }
        String secret = null;
        if (f.has("secret")) {
            secret = f.text("secret");
            if (secret != null && (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET)) {
                f.error("secret", "must be between " + MIN_SECRET + " and " + MAX_SECRET + " characters");
                secret = null;
            }
        }
        if (f.has("rpm")) {
            k.rpm = f.optionalPositive("rpm");
        }
        if (f.has("tpm")) {
            k.tpm = f.optionalPositive("tpm");
        }
        if (f.has("weight")) {
            Integer w = f.positive("weight");
            k.weight = w == null ? k.weight : w;
        }
        if (f.has("enabled")) {
            Boolean e = f.bool("enabled");
            k.enabled = e == null ? k.enabled : e;
        }
        f.throwIfErrors();
        if (label != null && !label.equals(k.label)) {
            String wanted = label;
            keys.findByLabel(k.providerId, wanted)
                    .filter(other -> !other.id.equals(k.id))
                    .ifPresent(other -> {
                        throw Conflicts.nameTaken(wanted, "provider key " + other.id);
                    });
            k.label = wanted;
        }
        if (secret != null) {
            k.secretCiphertext = secretBox.seal(secret);
            k.last4 = secret.substring(secret.length() - 4);
        }
    }

    static KeyView view(ProviderKey k) {
        String sealed = k.secretCiphertext;
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        String dataKeyId = colon > 0 ? sealed.substring(0, colon) : null;
        return new KeyView(k.id, k.providerId, k.label, k.last4, dataKeyId, k.rpm, k.tpm, k.weight, k.enabled);
    }
}
