package dev.switchboard.relay.limits;

/**
 * Why a request was refused before routing.
 *
 * @param status 429, 402 or 503
 * @param code {@link #RATE_LIMIT}, {@link #CONCURRENCY_LIMIT}, {@link #BUDGET}, {@link #BALANCE} or
 *        {@link #LIMITS_UNAVAILABLE}
 * @param message tenant-facing text, no internals
 * @param retryAfterSeconds value of the Retry-After header; null = send none
 */
public record Refusal(int status, String code, String message, Long retryAfterSeconds) {

    public static final String RATE_LIMIT = "rate_limit_exceeded";
    public static final String CONCURRENCY_LIMIT = "concurrency_limit_exceeded";
    public static final String BUDGET = "budget_exceeded";
    public static final String BALANCE = "insufficient_balance";
    /** Spend cannot be checked: Redis has been unreachable for longer than the grace period. */
    public static final String LIMITS_UNAVAILABLE = "limits_unavailable";

    /** OpenAI error type matching the status. */
    public String type() {
        return switch (status) {
            case 402 -> "insufficient_quota";
            case 503 -> "service_unavailable";
            default -> "rate_limit_error";
        };
    }
}
