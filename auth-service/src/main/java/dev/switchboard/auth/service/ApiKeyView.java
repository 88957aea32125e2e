package dev.switchboard.auth.service;

import java.time.Instant;
import java.util.List;

/** A tenant key as the management API shows it: never the secret, never its hash. */
public record ApiKeyView(long id, String name, long userId, long groupId, String keyPrefix, String status,
        Instant expiresAt, List<String> ipAllow, List<String> ipDeny, Integer rpmLimit, Instant lastUsedAt, long version,
        Instant createdAt) {
}
