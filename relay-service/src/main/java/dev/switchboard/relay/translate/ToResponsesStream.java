package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes OpenAI Responses stream events, each named by its {@code type} and numbered by a strictly increasing
 * {@code sequence_number} from 0: {@code response.created}, {@code response.in_progress}; then one output item at a
 * time, as OpenAI streams them — a message ({@code output_item.added}, {@code content_part.added},
 * {@code output_text.delta}…, {@code output_text.done}, {@code content_part.done}, {@code output_item.done}), a
 * reasoning item (the {@code reasoning_summary_part} / {@code reasoning_summary_text} events) or a function call
 * ({@code function_call_arguments.delta}…, {@code .done}); each change of kind closes the open item. The end is one
 * terminal event carrying the whole response and its usage: {@code response.completed}, {@code response.incomplete}
 * (length or content-filter stop) or, for an upstream error event, {@code response.failed}. Never {@code [DONE]}.
 */
final class ToResponsesStream extends StreamEncoder {

    private enum Kind { MESSAGE, REASONING, TOOL }

    private boolean started;
    private long sequence;
    private final ArrayNode output = Json.array();
    /** The open item, null when none. */
    private Kind open;
    private String openId;
    private int openTool = -1;
    private String callId;
    private String name;
    private final StringBuilder text = new StringBuilder();

    ToResponsesStream(StreamSettings s) {
        super(s);
    }

    /** The {@code sequence_number} the next event gets (for the hop's own error event after this stream). */
    @Override
    long nextSequence() {
        return sequence;
    }

    @Override
    void start(Usage usage, Sink out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode created = event("response.created");
        created.set("response", ResponsesAnswers.response(settings, "in_progress", null, Json.array(), null, null));
        emit(created, out);
        ObjectNode progress = event("response.in_progress");
        progress.set("response", ResponsesAnswers.response(settings, "in_progress", null, Json.array(), null, null));
        emit(progress, out);
    }

    @Override
    void text(String delta, Sink out) {
        if (open != Kind.MESSAGE) {
            openItem(Kind.MESSAGE, out);
            ObjectNode part = event("response.content_part.added");
            located(part).put("content_index", 0).set("part", ResponsesAnswers.textPart(""));
            emit(part, out);
        }
        text.append(delta);
        ObjectNode e = event("response.output_text.delta");
        located(e).put("content_index", 0).put("delta", delta).putArray("logprobs");
        emit(e, out);
    }

    @Override
    void thinking(String delta, Sink out) {
        if (open != Kind.REASONING) {
            openItem(Kind.REASONING, out);
            ObjectNode part = event("response.reasoning_summary_part.added");
            located(part).put("summary_index", 0).set("part", ResponsesAnswers.summaryPart(""));
            emit(part, out);
        }
        text.append(delta);
        ObjectNode e = event("response.reasoning_summary_text.delta");
        located(e).put("summary_index", 0).put("delta", delta);
        emit(e, out);
    }

    @Override
    void toolStart(int tool, String id, String toolName, Sink out) {
        start(Usage.NONE, out);
        closeOpen(out); // before the fields change: closing the previous call needs its own id and name
        callId = id;
        name = toolName;
        openItem(Kind.TOOL, out);
        openTool = tool;
    }

    @Override
    boolean toolArguments(int tool, String fragment, Sink out) {
        if (open != Kind.TOOL || tool != openTool) {
            return false;
        }
        text.append(fragment);
        ObjectNode e = event("response.function_call_arguments.delta");
        located(e).put("delta", fragment);
        emit(e, out);
        return true;
    }

    @Override
    void finish(StopReason reason, Sink out) {
        start(Usage.NONE, out);
        closeOpen(out);
    }

    @Override
    void close(StopReason reason, Usage usage, Sink out) {
        String status = ResponsesAnswers.status(reason);
        ObjectNode e = event("response." + status);
        e.set("response", ResponsesAnswers.response(settings, status, reason, output, usage, null));
        emit(e, out);
    }

    @Override
    void error(Errors.Neutral error, Sink out) {
        start(Usage.NONE, out);
        ObjectNode e = event("response.failed");
        ObjectNode err = Json.object().put("code", error.code() == null ? "upstream_error" : error.code())
                .put("message", error.message());
        e.set("response", ResponsesAnswers.response(settings, "failed", null, output, null, err));
        emit(e, out);
    }

    /** Closes the open item and opens one of {@code kind}, its id made from the output index it gets. */
    private void openItem(Kind kind, Sink out) {
        start(Usage.NONE, out);
        closeOpen(out);
        ObjectNode item = switch (kind) {
            case MESSAGE -> ResponsesAnswers.message(ResponsesAnswers.itemId(settings, "msg_", output.size()), "in_progress", null);
            case REASONING -> ResponsesAnswers.reasoning(ResponsesAnswers.itemId(settings, "rs_", output.size()), null);
            case TOOL -> ResponsesAnswers.functionCall(ResponsesAnswers.itemId(settings, "fc_", output.size()), "in_progress",
                    callId, name, "");
        };
        open = kind;
        openId = item.get("id").asText();
        text.setLength(0);
        ObjectNode e = event("response.output_item.added").put("output_index", output.size());
        e.set("item", item);
        emit(e, out);
    }

    private void closeOpen(Sink out) {
        if (open == null) {
            return;
        }
        String done = text.toString();
        ObjectNode item = switch (open) {
            case MESSAGE -> {
                ObjectNode e = event("response.output_text.done");
                located(e).put("content_index", 0).put("text", done).putArray("logprobs");
                emit(e, out);
                ObjectNode part = event("response.content_part.done");
                located(part).put("content_index", 0).set("part", ResponsesAnswers.textPart(done));
                emit(part, out);
                yield ResponsesAnswers.message(openId, "completed", done);
            }
            case REASONING -> {
                ObjectNode e = event("response.reasoning_summary_text.done");
                located(e).put("summary_index", 0).put("text", done);
                emit(e, out);
                ObjectNode part = event("response.reasoning_summary_part.done");
                located(part).put("summary_index", 0).set("part", ResponsesAnswers.summaryPart(done));
                emit(part, out);
                yield ResponsesAnswers.reasoning(openId, done);
            }
            case TOOL -> {
                String arguments = done.isEmpty() ? "{}" : done; // clients parse the arguments as JSON
                ObjectNode e = event("response.function_call_arguments.done");
                located(e).put("arguments", arguments);
                emit(e, out);
                yield ResponsesAnswers.functionCall(openId, "completed", callId, name, arguments);
            }
        };
        ObjectNode e = event("response.output_item.done").put("output_index", output.size());
        e.set("item", item);
        emit(e, out);
        output.add(item);
        open = null;
        openTool = -1;
    }

    /** The open item's {@code item_id} and {@code output_index}. */
    private ObjectNode located(ObjectNode e) {
        return e.put("item_id", openId).put("output_index", output.size());
    }

    private ObjectNode event(String type) {
        return Json.object().put("type", type).put("sequence_number", sequence++);
    }

    private static void emit(ObjectNode e, Sink out) {
        out.event(e.get("type").asText(), Json.write(e));
    }
}
