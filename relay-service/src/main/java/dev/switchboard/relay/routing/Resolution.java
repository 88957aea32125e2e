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

    /**
     * Refused because nothing priced is left for a metered tenant: no candidate, at least one left out as
     * {@link Skip#MODEL_NOT_PRICED}, and none left out for a reason that passes (cooling down, no headroom: the
     * priced candidate behind such a skip is worth waiting for, and the usual exhaustion answer says so).
     */
    public boolean unpriced() {
        if (!candidates.isEmpty()) {
            return false;
        }
        boolean any = false;
        for (Skip s : skipped) {
            switch (s.reason()) {
                case Skip.MODEL_NOT_PRICED -> any = true;
                case Skip.COOLING_DOWN, Skip.NO_HEADROOM -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return any;
    }

    /** False when the requested model (or every overlay target) names nothing in the catalog. */
    public boolean known() {
        return !targets.isEmpty();
    }
}
