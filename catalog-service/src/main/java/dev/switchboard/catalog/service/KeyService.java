package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Requests.OnCreate;
import dev.switchboard.catalog.api.Requests.KeyRequest;
import dev.switchboard.catalog.api.Views.KeyView;
import dev.switchboard.catalog.api.Views.RotationView;
import dev.switchboard.catalog.entity.ProviderKey;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ProviderKeyRepository;
import dev.switchboard.contracts.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Set;

/**
 * Upstream keys of a provider. The secret is write-only: it is sealed with the active data key on
 * the way in and only a label and the last four characters ever come back out.
 */
@ApplicationScoped
public class KeyService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(KeyService.class);

    private final ProviderKeyRepository keys;
    private final IntegrityRepository integrity;
    private final ProviderService providers;
    private final SecretBox secretBox;
    private final MergePatch mergePatch;
    private final Validator validator;
    private final Event<CatalogChanged> changed;

    public KeyService(ProviderKeyRepository keys, IntegrityRepository integrity, ProviderService providers,
            SecretBox secretBox, MergePatch mergePatch, Validator validator, Event<CatalogChanged> changed) {
        this.keys = keys;
        this.integrity = integrity;
        this.providers = providers;
        this.secretBox = secretBox;
        this.mergePatch = mergePatch;
        this.validator = validator;
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
    public KeyView create(long providerId, KeyRequest request) {
        integrity.lockCatalog();
        providers.find(providerId);
        validate(request);
        ProviderKey k = new ProviderKey();
        k.providerId = providerId;
        apply(k, request);
        keys.persist(k);
        changed.fire(new CatalogChanged("provider key " + k.id + " created"));
        return view(k);
    }

    @Transactional
    public KeyView patch(long providerId, long keyId, JsonNode body) {
        integrity.lockCatalog();
        ProviderKey k = find(providerId, keyId);
        // the stored secret is never opened for this: no secret in the merged request means "keep it"
        KeyRequest current = new KeyRequest(k.label, null, k.rpm, k.tpm, k.weight, k.enabled);
        apply(k, mergePatch.apply(current, body, KeyRequest.class));
        changed.fire(new CatalogChanged("provider key " + keyId + " updated"));
        return view(k);
    }

    /** After the provider is found: a create under a missing provider is a 404 whatever its body. */
    private void validate(KeyRequest request) {
        Set<ConstraintViolation<KeyRequest>> violations = validator.validate(request, OnCreate.class);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
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

    /** Writes a valid request onto the key; null fields take the defaults of a create, a null secret keeps it. */
    private void apply(ProviderKey k, KeyRequest r) {
        if (!r.label().equals(k.label)) {
            keys.findByLabel(k.providerId, r.label())
                    .filter(other -> !other.id.equals(k.id))
                    .ifPresent(other -> {
                        throw Conflicts.nameTaken(r.label(), "provider key " + other.id);
                    });
            k.label = r.label();
        }
        k.rpm = r.rpm();
        k.tpm = r.tpm();
        k.weight = r.weight() == null ? 1 : r.weight();
        k.enabled = r.enabled() == null || r.enabled();
        if (r.secret() != null) {
            k.secretCiphertext = secretBox.seal(r.secret());
            k.last4 = r.secret().substring(r.secret().length() - 4);
        }
    }

    static KeyView view(ProviderKey k) {
        String sealed = k.secretCiphertext;
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        String dataKeyId = colon > 0 ? sealed.substring(0, colon) : null;
        return new KeyView(k.id, k.providerId, k.label, k.last4, dataKeyId, k.rpm, k.tpm, k.weight, k.enabled);
    }
}
