package dev.switchboard.relay.translate;

/**
 * A chat wire protocol the relay speaks, on the client side or the upstream side. Each constant has one codec in
 * this package (request, JSON answer and stream, both directions through the neutral form); adding a dialect
 * (OpenAI Responses) is one more constant and one more codec.
 */
public enum Wire {
    /** {@code POST /v1/chat/completions}. */
    OPENAI_CHAT,
    /** {@code POST /v1/messages}. */
    ANTHROPIC_MESSAGES
}
