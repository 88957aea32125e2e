package dev.switchboard.relay.translate;

/**
 * Writes the neutral stream in one client dialect. Called by a decoder ({@link FromOpenAiStream},
 * {@link FromAnthropicStream}) in upstream order; holds only the client side's framing state (has the opening been
 * written, which block is open). Tool calls are numbered by the decoder from 0 in order of appearance.
 */
abstract class StreamEncoder {

    protected final StreamSettings settings;

    StreamEncoder(StreamSettings settings) {
        this.settings = settings;
    }

    /** Once, before anything else (repeated calls do nothing); {@code usage} is what is known so far. */
    abstract void start(Usage usage, Sink out);

    abstract void text(String text, Sink out);

    abstract void thinking(String text, Sink out);

    abstract void toolStart(int tool, String id, String name, Sink out);

    /** @return false when the fragment cannot be placed: its tool call's block was already closed */
    abstract boolean toolArguments(int tool, String fragment, Sink out);

    /** The model stopped: close what is open, say why. Usage may still follow. */
    abstract void finish(StopReason reason, Sink out);

    /** The upstream ended after a finish: the final usage and the terminator. */
    abstract void close(StopReason reason, Usage usage, Sink out);

    /** An upstream error event, translated; nothing follows. */
    abstract void error(Errors.Neutral error, Sink out);

    /** The number the client's next event would get, on a wire that numbers its events (Responses); else -1. */
    long nextSequence() {
        return -1;
    }

    /** The encoder of a client wire. */
    static StreamEncoder of(Wire client, StreamSettings s) {
        return switch (client) {
            case OPENAI_CHAT -> new ToOpenAiStream(s);
            case ANTHROPIC_MESSAGES -> new ToAnthropicStream(s);
            case OPENAI_RESPONSES -> new ToResponsesStream(s);
        };
    }
}
