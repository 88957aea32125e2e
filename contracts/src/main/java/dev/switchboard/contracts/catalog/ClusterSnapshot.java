package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Level 2: a semantic name whose ordered members are pools or raw model names, never clusters. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterSnapshot(long id, String name, boolean enabled, List<Member> members) {

    public static final String POOL = "pool";
    public static final String MODEL = "model";

    public ClusterSnapshot {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** @param kind pool | model */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String kind, String name) {
    }
}
