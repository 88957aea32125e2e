package dev.switchboard.auth.service;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer of create and rotate: the only time the plaintext secret ({@code key}) is shown.
 * {@code warning} is set when the key was saved but Redis could not be updated: the secret must
 * still reach the operator, who then runs POST /admin/snapshots/rebuild.
 */
public record CreatedKey(String key, ApiKeyView apiKey, @JsonInclude(JsonInclude.Include.NON_NULL) String warning) {

    @Override
    public String toString() {
        // Keeps the secret out of any log line that prints this record.
        return "CreatedKey[apiKey=" + apiKey.id() + "]";
    }
}
