package dev.switchboard.relay.usage;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidatePrice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * What a request may cost at most before any upstream has answered: the estimate admission reserves against a
 * metered tenant's balance and budgets. Prompt tokens are guessed from the body's size (a token per
 * {@link #BYTES_PER_TOKEN} bytes, JSON included, so rather too many than too few; capped at the candidate's
 * context window when it has one), output tokens are the client's own cap or {@code defaultOutputTokens}; the
 * request is priced by {@link UsageCost} (the formula the usage event is billed with) at the dearest candidate it may
 * fail over to.
 */
public final class CostCeiling {

    /** Bytes of request body counted as one prompt token. */
    static final int BYTES_PER_TOKEN = 4;

    private CostCeiling() {
    }

    /**
     * @param maxOutputTokens the client's cap, or a negative number when it set none
     * @param group the group billed (its rate multiplier); null: multiplier 1
     * @return micro-USD rounded up, 0 when no candidate has a price
     */
    public static long micros(List<Candidate> candidates, long bodyBytes, long maxOutputTokens, long defaultOutputTokens,
            GroupSnapshot group) {
        long prompt = (bodyBytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
        long output = maxOutputTokens >= 0 ? maxOutputTokens : defaultOutputTokens;
        BigDecimal dearest = BigDecimal.ZERO;
        for (Candidate c : candidates) {
            CandidatePrice p = c.price();
            if (p == null) {
                continue;
            }
            long in = c.contextWindow() == null ? prompt : Math.min(prompt, c.contextWindow());
            dearest = dearest.max(UsageCost.of(p.price(), group, in, output));
        }
        return dearest.movePointRight(6).setScale(0, RoundingMode.CEILING).longValue();
    }
}
