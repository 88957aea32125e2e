package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes Anthropic stream events: {@code message_start} exactly once; each run of text, of thinking, and each tool
 * call its own content block with dense indexes from 0 ({@code content_block_start}, deltas,
 * {@code content_block_stop}), one block open at a time as Anthropic itself streams; the finish closes the open
 * block (a tool call that got no argument fragment gets {@code {}} first); {@code message_delta} (stop reason, final usage) and {@code message_stop} at the end. Never {@code [DONE]}.
 */
final class ToAnthropicStream extends StreamEncoder {

    private enum Kind { TEXT, THINKING, TOOL }

    private boolean started;
    private int nextIndex;
    /** The open block's index, -1 when none is open. */
    private int open = -1;
    private Kind openKind;
    /** Tool number → its block index. */
    private final Map<Integer, Integer> blockOfTool = new HashMap<>();
    /** The open tool block has had an arguments fragment. */
    private boolean openToolHasArguments;

    ToAnthropicStream(StreamSettings s) {
        super(s);
    }

    @Override
    void start(Usage usage, Sink out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode e = Json.object().put("type", "message_start");
        ObjectNode m = e.putObject("message").put("id", settings.responseId()).put("type", "message")
                .put("role", "assistant").put("model", settings.clientModel());
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.set("usage", usage.toAnthropic());
        out.event("message_start", Json.write(e));
    }

    @Override
    void text(String text, Sink out) {
        if (openKind != Kind.TEXT) {
            open(Kind.TEXT, Json.object().put("type", "text").put("text", ""), out);
        }
        delta(Json.object().put("type", "text_delta").put("text", text), out);
    }

    @Override
    void thinking(String text, Sink out) {
        if (openKind != Kind.THINKING) {
            open(Kind.THINKING, Json.object().put("type", "thinking").put("thinking", "").put("signature", ""), out);
        }
        delta(Json.object().put("type", "thinking_delta").put("thinking", text), out);
    }

    @Override
    void toolStart(int tool, String id, String name, Sink out) {
        ObjectNode block = Json.object().put("type", "tool_use").put("id", id).put("name", name);
        block.putObject("input");
        open(Kind.TOOL, block, out);
        blockOfTool.put(tool, open);
        openToolHasArguments = false;
    }

    @Override
    boolean toolArguments(int tool, String fragment, Sink out) {
        Integer block = blockOfTool.get(tool);
        if (block == null || block != open) {
            return false;
        }
        openToolHasArguments = true;
        delta(Json.object().put("type", "input_json_delta").put("partial_json", fragment), out);
        return true;
    }

    @Override
    void finish(StopReason reason, Sink out) {
        start(Usage.NONE, out);
        closeOpen(out);
    }

    @Override
    void close(StopReason reason, Usage usage, Sink out) {
        ObjectNode e = Json.object().put("type", "message_delta");
        e.putObject("delta").put("stop_reason", reason.anthropic).putNull("stop_sequence");
        e.set("usage", usage.toAnthropic());
        out.event("message_delta", Json.write(e));
        out.event("message_stop", Json.write(Json.object().put("type", "message_stop")));
    }

    @Override
    void error(Errors.Neutral e, Sink out) {
        out.event("error", Json.write(Errors.anthropicBody(Errors.forAnthropicClient(e.status()), e.code(), e.message())));
    }

    private void open(Kind kind, ObjectNode block, Sink out) {
        start(Usage.NONE, out);
        closeOpen(out);
        open = nextIndex++;
        openKind = kind;
        ObjectNode e = Json.object().put("type", "content_block_start").put("index", open);
        e.set("content_block", block);
        out.event("content_block_start", Json.write(e));
    }

    private void delta(ObjectNode delta, Sink out) {
        ObjectNode e = Json.object().put("type", "content_block_delta").put("index", open);
        e.set("delta", delta);
        out.event("content_block_delta", Json.write(e));
    }

    private void closeOpen(Sink out) {
        if (open >= 0) {
            if (openKind == Kind.TOOL && !openToolHasArguments) {
                // a call without arguments: say {} so accumulators that parse the fragments get an object
                delta(Json.object().put("type", "input_json_delta").put("partial_json", "{}"), out);
            }
            out.event("content_block_stop", Json.write(Json.object().put("type", "content_block_stop").put("index", open)));
            open = -1;
            openKind = null;
        }
    }
}
