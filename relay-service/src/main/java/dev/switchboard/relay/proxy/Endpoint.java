package dev.switchboard.relay.proxy;

/** The proxied tenant endpoints: upstream path, protocol and the metric tag. */
public enum Endpoint {
    CHAT("/v1/chat/completions", Protocol.OPENAI, "chat_completions", "[DONE]", null),
    EMBEDDINGS("/v1/embeddings", Protocol.OPENAI, "embeddings", null, null),
    MESSAGES("/v1/messages", Protocol.ANTHROPIC, "messages", null, "message_stop");

    private final String path;
    private final Protocol protocol;
    private final String tag;
    private final String doneData;
    private final String doneEvent;

    Endpoint(String path, Protocol protocol, String tag, String doneData, String doneEvent) {
        this.path = path;
        this.protocol = protocol;
        this.tag = tag;
        this.doneData = doneData;
        this.doneEvent = doneEvent;
    }

    public String path() {
        return path;
    }

    public Protocol protocol() {
        return protocol;
    }

    public String tag() {
        return tag;
    }

    /** Whether an SSE event is the protocol's regular end of stream. */
    public boolean isTerminal(String event, String data) {
        return (doneData != null && doneData.equals(data)) || (doneEvent != null && doneEvent.equals(event));
    }

    /** Whether an SSE event is an in-band error: {@code event: error}, or a top-level {@code error} member or {@code "type":"error"}. */
    public static boolean isError(String event, String data) {
        if ("error".equals(event)) {
            return true;
        }
        if (data == null || !data.contains("\"error\"")) {
            return false;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(data);
            return node != null && node.isObject()
                    && ((node.hasNonNull("error")) || "error".equals(node.path("type").asText()));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
