package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Level 1: one virtual model served by several (provider, model) members.
 *
 * @param strategy priority | round_robin | weighted | quota_aware
 * @param sameCandidateRetry whether a failed attempt on a member may be retried once on that same member
 *        (short Retry-After, one-off 500/502/504, reset after the request was sent); null = on (the default)
 * @param translation whether members speaking the other wire protocol serve, translated; null = on (the default)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PoolSnapshot(long id, String name, String strategy, boolean enabled, List<Member> members,
        Boolean sameCandidateRetry, Boolean translation) {

    public static final String PRIORITY = "priority";
    public static final String ROUND_ROBIN = "round_robin";
    public static final String WEIGHTED = "weighted";
    public static final String QUOTA_AWARE = "quota_aware";

    public PoolSnapshot {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A pool with the default retry and translation settings (on). */
    public PoolSnapshot(long id, String name, String strategy, boolean enabled, List<Member> members) {
        this(id, name, strategy, enabled, members, null, null);
    }

    /** A pool with the default translation setting (on). */
    public PoolSnapshot(long id, String name, String strategy, boolean enabled, List<Member> members,
            Boolean sameCandidateRetry) {
        this(id, name, strategy, enabled, members, sameCandidateRetry, null);
    }

    /** False only when the pool turned translation off: members of the other protocol then do not serve. */
    public boolean translates() {
        return !Boolean.FALSE.equals(translation);
    }

    /** False only when the pool turned same-candidate retries off. */
    public boolean retriesSameCandidate() {
        return !Boolean.FALSE.equals(sameCandidateRetry);
    }

    /**
     * @param model the provider's model name ({@link ModelSnapshot#name()})
     * @param priority lower runs first
     * @param weight &gt; 0
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(long providerId, String model, int priority, int weight, boolean enabled) {
    }
}
