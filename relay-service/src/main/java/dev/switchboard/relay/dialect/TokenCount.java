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

    /** Both counts at once, from usage already in the client's terms (a translated answer's). */
    public void set(long promptTokens, long completionTokens) {
        prompt = promptTokens;
        completion = completionTokens;
    }

    public long total() {
        return prompt + completion;
    }
}
