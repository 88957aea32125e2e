package dev.switchboard.relay.routing;

/**
 * An upstream's rate-limit headers, read once per response by the candidate's dialect, as the raw
 * header values (null when absent): remaining, limit and reset for requests and for tokens.
 */
public record RateLimits(String requestsRemaining, String requestsLimit, String requestsReset, String tokensRemaining,
        String tokensLimit, String tokensReset) {

    public static final RateLimits NONE = new RateLimits(null, null, null, null, null, null);

    public boolean isEmpty() {
        return requestsRemaining == null && requestsLimit == null && requestsReset == null && tokensRemaining == null
                && tokensLimit == null && tokensReset == null;
    }
}
