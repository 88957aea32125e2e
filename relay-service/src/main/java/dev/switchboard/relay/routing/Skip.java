package dev.switchboard.relay.routing;

/**
 * A candidate (or a whole target) left out of the chain, with the reason.
 *
 * @param provider provider name, null when the skip concerns a cluster/pool/target
 * @param model model or target name
 * @param keyLabel key label, null when the skip concerns every key
 * @param reason one of the constants below
 * @param detail human-readable detail; never a secret
 */
public record Skip(String provider, String model, String keyLabel, String reason, String detail) {

    public static final String DISABLED = "disabled";
    public static final String NOT_ALLOWED = "not_allowed";
    public static final String PROTOCOL_MISMATCH = "protocol_mismatch";
    public static final String COOLING_DOWN = "cooling_down";
    public static final String DUPLICATE = "duplicate";
    public static final String NO_HEADROOM = "no_headroom";
    public static final String UNKNOWN_TARGET = "unknown_target";
    public static final String NO_KEYS = "no_keys";
    /** The key's sealed secret cannot be opened with this relay's data keys: nothing is sent without a credential. */
    public static final String NO_CREDENTIAL = "no_credential";
    /** Set by the runtime when the candidate speaks the other protocol and the request uses what it cannot express. */
    public static final String UNTRANSLATABLE = "untranslatable";
    /** Set by the runtime when another replica holds the half-open probe lock. */
    public static final String PROBE_IN_FLIGHT = "probe_in_flight";
    /** Set by the queue after a prompt was refused as too long: this candidate's context window is not larger. */
    public static final String CONTEXT_TOO_SMALL = "context_too_small";
    /**
     * The tenant is metered and neither the serving model nor its provider has a price: serving it would cost
     * the tenant nothing ({@link CandidatePrice}).
     */
    public static final String MODEL_NOT_PRICED = "model_not_priced";
}
