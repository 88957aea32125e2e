package dev.switchboard.relay.routing;

/**
 * Where the decisions of one request write cooldowns; the relay's implementation is
 * {@code failover/CooldownService} (near-cache at once, Redis fire-and-forget).
 */
public interface CooldownSink {

    /** Writes nothing. */
    CooldownSink NONE = new CooldownSink() {
        @Override
        public CooldownState onFailure(Candidate c, FailoverDecision d) {
            return null;
        }

        @Override
        public void onSuccess(Candidate c) {
        }
    };

    /**
     * Cools {@code d.scope()} of {@code c} (extend-only, growing with strikes) and ends c's probe when it
     * was one (also when the decision cools nothing, so the lock is released at once).
     *
     * @return the entry now held for the cooled scope, null when nothing was cooled
     */
    CooldownState onFailure(Candidate c, FailoverDecision d);

    /** Clears c's half-open scopes and ends its probe when it was one. */
    void onSuccess(Candidate c);
}
