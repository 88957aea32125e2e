package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Level 2: a semantic name whose ordered members are pools or raw model names, never clusters.
 *
 * @param translation whether candidates speaking the other wire protocol serve, translated; null = on (the default)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterSnapshot(long id, String name, boolean enabled, List<Member> members, Boolean translation) {

    public static final String POOL = "pool";
    public static final String MODEL = "model";

    public ClusterSnapshot {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A cluster with translation on. */
    public ClusterSnapshot(long id, String name, boolean enabled, List<Member> members) {
        this(id, name, enabled, members, null);
    }

    /** False only when the cluster turned translation off. */
    public boolean translates() {
        return !Boolean.FALSE.equals(translation);
    }

    /** @param kind pool | model */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String kind, String name) {
    }
}
