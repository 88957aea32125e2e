package dev.switchboard.relay.translate;

/**
 * A chat wire protocol the relay speaks, on the client side or the upstream side. Each constant has one codec in
 * this package (request, JSON answer and stream, both directions through the neutral form); OpenAI Responses is the
 * third, on the client side only.
 */
public enum Wire {
    /** {@code POST /v1/chat/completions}. */
    OPENAI_CHAT,
    /** {@code POST /v1/messages}. */
    ANTHROPIC_MESSAGES,
    /**
     * {@code POST /v1/responses}, as a client wire only: a Responses-capable upstream is passed through, any other is
     * served by translating to one of the two chat wires. No translation has it as its target.
     */
    OPENAI_RESPONSES
}
