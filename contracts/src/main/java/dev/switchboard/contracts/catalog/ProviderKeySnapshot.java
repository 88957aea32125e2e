package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An upstream API key. The secret travels only as {@link dev.switchboard.contracts.SecretBox}
 * ciphertext; only holders of the data key decrypt it.
 *
 * @param secretCiphertext {@code <keyId>:<base64(iv || ciphertext+tag)>}
 * @param last4 last four characters of the plaintext, for display
 * @param rpm requests per minute allowed by the upstream; null = unknown
 * @param tpm tokens per minute allowed by the upstream; null = unknown
 * @param weight &gt; 0, for weighted strategies
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProviderKeySnapshot(
        long id,
        String label,
        String secretCiphertext,
        String last4,
        Integer rpm,
        Integer tpm,
        int weight,
        boolean enabled) {
}
