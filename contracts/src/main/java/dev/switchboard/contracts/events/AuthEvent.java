package dev.switchboard.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Published on {@code sb:auth:events} after every change to a key, user or group.
 *
 * @param kind key | user | group | ledger (a batch of debits) | rebuild (an operator's rebuild: id 0, version the highest rewritten)
 * @param id row id
 * @param version version after the change
 * @param keyHashes sha256 hex of every affected key (one for a key change, all keys of the user or
 *        group otherwise), so a relay drops exactly those L1 entries
 * @param epoch the value of {@code sb:auth:epoch} this change moved it to (0 when unknown), so a relay
 *        tells exactly which epoch moves it heard of and flushes L1 only for one whose message was lost
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthEvent(String kind, long id, long version, java.util.List<String> keyHashes, long epoch) {
    public static final String KEY = "key";
    public static final String USER = "user";
    public static final String GROUP = "group";
    public static final String REBUILD = "rebuild";
    /** A ledger batch debited users: id 0, every key of those users in {@code keyHashes}. */
    public static final String LEDGER = "ledger";

    /** An event whose epoch the publisher sets when it publishes ({@link #withEpoch}). */
    public AuthEvent(String kind, long id, long version, java.util.List<String> keyHashes) {
        this(kind, id, version, keyHashes, 0);
    }

    public AuthEvent withEpoch(long epoch) {
        return new AuthEvent(kind, id, version, keyHashes, epoch);
    }
}
