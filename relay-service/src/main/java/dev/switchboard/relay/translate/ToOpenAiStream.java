package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes OpenAI {@code chat.completion.chunk}s: a first chunk with {@code role: assistant}, one chunk per delta, the
 * {@code finish_reason} chunk, the usage-only chunk ({@code choices: []}) when the client asked for usage, then
 * {@code [DONE]}. Tool calls carry their tool number as {@code index}; one that ends without an arguments fragment
 * gets {@code "{}"}. Earlier chunks carry no {@code usage} member.
 */
final class ToOpenAiStream extends StreamEncoder {

    private boolean started;
    /** The last tool call started, while it has had no arguments fragment; -1 otherwise. */
    private int toolWithoutArguments = -1;

    ToOpenAiStream(StreamSettings s) {
        super(s);
    }

    @Override
    void start(Usage usage, Sink out) {
        if (!started) {
            started = true;
            ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
            out.event(null, Json.write(chunk(delta, null)));
        }
    }

    @Override
    void text(String text, Sink out) {
        argumentsOfEmptyTool(out);
        delta(Json.object().put("content", text), out);
    }

    @Override
    void thinking(String text, Sink out) {
        argumentsOfEmptyTool(out);
        delta(Json.object().put("reasoning_content", text), out);
    }

    @Override
    void toolStart(int tool, String id, String name, Sink out) {
        argumentsOfEmptyTool(out);
        ObjectNode delta = Json.object();
        ObjectNode call = delta.putArray("tool_calls").addObject().put("index", tool).put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        delta(delta, out);
        toolWithoutArguments = tool;
    }

    @Override
    boolean toolArguments(int tool, String fragment, Sink out) {
        if (tool == toolWithoutArguments) {
            toolWithoutArguments = -1;
        }
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").addObject().put("index", tool).putObject("function").put("arguments", fragment);
        delta(delta, out);
        return true;
    }

    @Override
    void finish(StopReason reason, Sink out) {
        start(Usage.NONE, out);
        argumentsOfEmptyTool(out);
        out.event(null, Json.write(chunk(Json.object(), reason.openAi)));
    }

    @Override
    void close(StopReason reason, Usage usage, Sink out) {
        if (settings.includeUsage()) {
            ObjectNode c = head();
            c.putArray("choices");
            c.set("usage", usage.toOpenAi());
            out.event(null, Json.write(c));
        }
        out.event(null, "[DONE]");
    }

    @Override
    void error(Errors.Neutral e, Sink out) {
        out.event(null, Json.write(Errors.openAiBody(Errors.forOpenAiClient(e.status()), e.code(), e.message(), null)));
    }

    /** A call that ended without arguments gets {@code "{}"}: clients parse the accumulated string as JSON. */
    private void argumentsOfEmptyTool(Sink out) {
        if (toolWithoutArguments >= 0) {
            int tool = toolWithoutArguments;
            toolWithoutArguments = -1;
            toolArguments(tool, "{}", out);
        }
    }

    private void delta(ObjectNode delta, Sink out) {
        start(Usage.NONE, out);
        out.event(null, Json.write(chunk(delta, null)));
    }

    private ObjectNode head() {
        return Json.object().put("id", settings.responseId()).put("object", "chat.completion.chunk")
                .put("created", settings.created()).put("model", settings.clientModel());
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode c = head();
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return c;
    }
}
