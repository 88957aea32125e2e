package dev.switchboard.relay.routing;

import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;

/**
 * One upstream attempt the relay may make: a provider, the model on it and one of its keys.
 *
 * @param model {@link ModelSnapshot#name()} when the provider lists the model, else the requested name
 * @param upstreamModel the name sent upstream in place of {@code model}
 * @param modelInfo null when the provider does not list the model (pass-through)
 * @param via how resolution got here, e.g. {@code cluster:coding-fast > pool:gpt4 > openai-a}
 * @param probeScope non-null when every scope cooled before is expired but not cleared (half-open):
 *        the runtime must win the probe lock for this scope before sending
 * @param sameCandidateRetry false when the pool it came from turned same-candidate retries off
 *        ({@link PoolSnapshot#sameCandidateRetry()}); true outside pools
 */
public record Candidate(ProviderSnapshot provider, String model, String upstreamModel, ModelSnapshot modelInfo,
        ProviderKeySnapshot key, String via, String probeScope, boolean sameCandidateRetry) {

    /** A candidate that may be retried on itself (the default). */
    public Candidate(ProviderSnapshot provider, String model, String upstreamModel, ModelSnapshot modelInfo,
            ProviderKeySnapshot key, String via, String probeScope) {
        this(provider, model, upstreamModel, modelInfo, key, via, probeScope, true);
    }

    /** {@code provider/model/keyLabel}; never a secret. */
    public String label() {
        return provider.name() + "/" + model + "/" + keyLabel(key);
    }

    /** The key's label, or {@code key-<id>} when it has none; never a secret. */
    public String keyLabel() {
        return keyLabel(key);
    }

    static String keyLabel(ProviderKeySnapshot key) {
        if (key == null) {
            return null;
        }
        return key.label() == null || key.label().isBlank() ? "key-" + key.id() : key.label();
    }

    /** The catalog's context window of this model, null when unknown or the name is not listed. */
    public Integer contextWindow() {
        return modelInfo == null ? null : modelInfo.contextWindow();
    }

    /**
     * Whether a broken stream may be continued here with the text already sent as an assistant prefill:
     * the model's {@code prefill} flag, else the default of the provider's protocol (on for Anthropic).
     */
    public boolean acceptsPrefill() {
        return modelInfo != null ? modelInfo.acceptsPrefill(provider.protocol())
                : ModelSnapshot.defaultPrefill(provider.protocol());
    }

    /** What it is billed at and where that price came from; null = unpriced. */
    public CandidatePrice price() {
        return CandidatePrice.of(provider, modelInfo);
    }

    /** The same candidate with another probe scope. */
    public Candidate withProbeScope(String scope) {
        return new Candidate(provider, model, upstreamModel, modelInfo, key, via, scope, sameCandidateRetry);
    }
}
