package dev.switchboard.relay.dialect;

/**
 * The tokens of one exchange as the client sees them, updated by the dialect that reads the usage.
 * Confined to the exchange's event loop.
 */
public final class TokenCount {

    private long prompt;
    private long completion;

    public long prompt() {
        return prompt;
    }

    public long completion() {
        return completion;
    }

    void prompt(long value) {
        prompt = value;
    }

    void completion(long value) {
        completion = value;
    }

    public long total() {
        return prompt + completion;
    }
}
