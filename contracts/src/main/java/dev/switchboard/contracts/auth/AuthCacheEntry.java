package dev.switchboard.contracts.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The value at {@code sb:auth:key:{sha256}}: a positive entry with its snapshot, or a negative one
 * ({@code notFound = true}, {@code snapshot = null}) for a key that does not exist.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthCacheEntry(int v, long version, boolean notFound, ApiKeySnapshot snapshot) {

    public static AuthCacheEntry found(ApiKeySnapshot snapshot) {
        return new AuthCacheEntry(dev.switchboard.contracts.Schema.AUTH, snapshot.version(), false, snapshot);
    }

    public static AuthCacheEntry notFound(long version) {
        return new AuthCacheEntry(dev.switchboard.contracts.Schema.AUTH, version, true, null);
    }
}
