package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A model route: requests whose model matches {@code pattern} go to the target.
 *
 * @param targetKind provider | pool | cluster. A provider target serves the requested model on that
 *        provider.
 * @param target provider, pool or cluster name
 * @param priority lower wins among patterns equal by the PatternTable rules (same sense as pool member priority)
 * @param createdSeq creation order, the last tie-breaker
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RouteSnapshot(
        long id,
        String pattern,
        String targetKind,
        String target,
        int priority,
        boolean enabled,
        long createdSeq) {

    public static final String PROVIDER = "provider";
    public static final String POOL = "pool";
    public static final String CLUSTER = "cluster";
}
