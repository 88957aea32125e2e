package dev.switchboard.relay.routing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * What a request may cost at most before any upstream has answered: the estimate admission reserves against a
 * metered tenant's balance and budgets. Prompt tokens are guessed from the body's size (a token per
 * {@link #BYTES_PER_TOKEN} bytes, JSON included, so rather too many than too few; capped at the candidate's
 * context window when it has one), output tokens are the client's own cap or {@code defaultOutputTokens}; the
 * request is priced at the dearest candidate it may fail over to, times the group's rate multiplier.
 */
public final class CostCeiling {

    /** Bytes of request body counted as one prompt token. */
    static final int BYTES_PER_TOKEN = 4;

    private CostCeiling() {
    }

    /**
     * @param maxOutputTokens the client's cap, or a negative number when it set none
     * @param multiplier the group's rate multiplier (null: 1)
     * @return micro-USD, 0 when no candidate has a price
     */
    public static long micros(List<Candidate> candidates, long bodyBytes, long maxOutputTokens, long defaultOutputTokens,
            BigDecimal multiplier) {
        long prompt = (bodyBytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
        long output = maxOutputTokens >= 0 ? maxOutputTokens : defaultOutputTokens;
        BigDecimal dearest = BigDecimal.ZERO;
        for (Candidate c : candidates) {
            CandidatePrice p = c.price();
            if (p == null) {
                continue;
            }
            long in = c.contextWindow() == null ? prompt : Math.min(prompt, c.contextWindow());
            // USD per million tokens times tokens is micro-USD
            BigDecimal cost = p.price().inputPricePerMTok().multiply(BigDecimal.valueOf(in))
                    .add(p.price().outputPricePerMTok().multiply(BigDecimal.valueOf(output)));
            dearest = dearest.max(cost);
        }
        return dearest.multiply(multiplier == null ? BigDecimal.ONE : multiplier).setScale(0, RoundingMode.CEILING)
                .longValue();
    }
}
