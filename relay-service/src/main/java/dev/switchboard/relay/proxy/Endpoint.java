package dev.switchboard.relay.proxy;

import dev.switchboard.relay.dialect.Dialect;

/**
 * The proxied tenant endpoints: upstream path, the client's dialect, the metric tag, and whether
 * answers may stream.
 */
public enum Endpoint {
    CHAT("/v1/chat/completions", Dialect.OPENAI, "chat_completions", true),
    EMBEDDINGS("/v1/embeddings", Dialect.OPENAI, "embeddings", false),
    MESSAGES("/v1/messages", Dialect.ANTHROPIC, "messages", true),
    /** Claude Code asks it before long requests; an OpenAI candidate gets no call: the count is estimated. */
    COUNT_TOKENS("/v1/messages/count_tokens", Dialect.ANTHROPIC, "count_tokens", false),
    /** Passed through to a provider with the Responses API, translated to chat completions or messages for the others. */
    RESPONSES("/v1/responses", Dialect.RESPONSES, "responses", true);

    private final String path;
    private final Dialect dialect;
    private final String tag;
    private final boolean streams;

    Endpoint(String path, Dialect dialect, String tag, boolean streams) {
        this.path = path;
        this.dialect = dialect;
        this.tag = tag;
        this.streams = streams;
    }

    public String path() {
        return path;
    }

    /** The dialect the client speaks: the shape of every answer and error it gets. */
    public Dialect dialect() {
        return dialect;
    }

    public String tag() {
        return tag;
    }

    public boolean streams() {
        return streams;
    }

    /**
     * Whether its answers are billed: every endpoint but count_tokens, whose answer carries no usage. Only a
     * billed endpoint refuses an unpriced model to a metered tenant.
     */
    public boolean billed() {
        return this != COUNT_TOKENS;
    }

    /** Whether a candidate of the other protocol can serve it, translated (chat: yes; embeddings have no Anthropic counterpart). */
    public boolean translates() {
        return this != EMBEDDINGS;
    }
}
