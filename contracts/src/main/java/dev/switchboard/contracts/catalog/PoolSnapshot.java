package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Level 1: one virtual model served by several (provider, model) members.
 *
 * @param strategy priority | round_robin | weighted | quota_aware
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PoolSnapshot(long id, String name, String strategy, boolean enabled, List<Member> members) {

    public static final String PRIORITY = "priority";
    public static final String ROUND_ROBIN = "round_robin";
    public static final String WEIGHTED = "weighted";
    public static final String QUOTA_AWARE = "quota_aware";

    public PoolSnapshot {
        members = members == null ? List.of() : List.copyOf(members);
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
