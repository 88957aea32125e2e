package dev.switchboard.auth.service;

import java.util.List;

/**
 * What a committed change to a key, user or group affects: the keys whose snapshots must be
 * rewritten and the hashes of deleted or replaced keys, which get a negative entry at {@code version}.
 */
public record Change(String kind, long id, long version, List<Long> keyIds, List<String> removedHashes) {

    public Change {
        keyIds = List.copyOf(keyIds);
        removedHashes = List.copyOf(removedHashes);
    }

    public static Change of(String kind, long id, long version, List<Long> keyIds) {
        return new Change(kind, id, version, keyIds, List.of());
    }
}
