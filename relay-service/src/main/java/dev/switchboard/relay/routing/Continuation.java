package dev.switchboard.relay.routing;

/**
 * Where and how a stream that broke after its first byte reached the client is continued.
 *
 * @param candidate the candidate to continue on (an attempt is already taken from the budget)
 * @param mode how the continuation request is built
 * @param number 1 for the first continuation of the request
 */
public record Continuation(Candidate candidate, Mode mode, int number) {

    public enum Mode {
        /**
         * The original request plus the assistant text already sent as a trailing assistant turn; the answer
         * is spliced in as it comes (the candidate accepts a prefill, {@link Candidate#acceptsPrefill()}).
         */
        PREFILL,
        /**
         * The original request as it was; the answer is spliced in only if it begins with exactly the text
         * already sent (that prefix is dropped), else the stream ends with the original failure.
         */
        RESTART_MATCHING_PREFIX
    }
}
