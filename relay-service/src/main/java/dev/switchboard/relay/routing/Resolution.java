package dev.switchboard.relay.routing;

import java.util.List;

/**
 * The outcome of resolving one requested model.
 *
 * @param requestedModel the model the client asked for
 * @param targets the top-level targets (group overlay targets, or the requested model itself) that name
 *        something in the catalog, in order; targets naming nothing appear in {@code skipped} as
 *        {@code unknown_target}
 * @param resolvedVia how the requested model was interpreted: {@code group:<pattern>} (tenant overlay),
 *        {@code cluster:<name>}, {@code pool:<name>}, {@code route:<pattern>}, {@code provider:<name>},
 *        {@code model:<name>} (every provider listing it) or {@code unknown}
 * @param candidates the chain to try, in order
 * @param skipped everything left out, with the reason
 */
public record Resolution(String requestedModel, List<String> targets, String resolvedVia,
        List<Candidate> candidates, List<Skip> skipped) {

    public Resolution {
        targets = targets == null ? List.of() : List.copyOf(targets);
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    /** False when the requested model (or every overlay target) names nothing in the catalog. */
    public boolean known() {
        return !targets.isEmpty();
    }
}
