package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes an OpenAI chat completions stream (choice 0; {@code n > 1} is refused on the request). Tool calls are
 * keyed by their OpenAI {@code index} (a new id at a known index starts another call, for servers that send no
 * index) and numbered in order of appearance. Usage is set from any chunk with a
 * {@code usage} object (with {@code include_usage} it comes in a usage-only chunk after the finish): the stream
 * closes on {@code [DONE]}, or on a usage object seen with or after the finish, whichever comes first.
 */
final class FromOpenAiStream extends TranslatingStream {

    /** OpenAI tool_calls index → tool number and id. */
    private final Map<Integer, Call> byIndex = new HashMap<>();

    private record Call(int tool, String id) {
    }
    private boolean refusal;
    private int nextTool;

    FromOpenAiStream(StreamEncoder enc) {
        super(enc);
    }

    @Override
    protected void decode(String event, String data, Sink out) {
        if ("[DONE]".equals(data.strip())) {
            close(out); // without a finish this does nothing: the stream stays incomplete
            return;
        }
        JsonNode d = Json.parse(data);
        if (d == null || !d.isObject()) {
            return;
        }
        if (Json.present(d, "error")) {
            failed(Errors.fromOpenAi(0, d), out);
            return;
        }
        JsonNode u = d.get("usage");
        boolean hasUsage = u != null && u.isObject();
        if (hasUsage) {
            usage = Usage.fromOpenAi(u);
        }
        enc.start(usage, out);
        JsonNode choice = d.path("choices").path(0);
        if (choice.isObject()) {
            if (!choice(choice, out)) {
                return;
            }
        }
        if (hasUsage && sawFinish()) {
            close(out);
        }
    }

    /** @return false when the stream failed on it */
    private boolean choice(JsonNode choice, Sink out) {
        JsonNode delta = choice.path("delta");
        String reasoning = Json.text(delta.get("reasoning_content"));
        if (reasoning == null) {
            reasoning = Json.text(delta.get("reasoning"));
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            enc.thinking(reasoning, out);
        }
        String content = Json.text(delta.get("content"));
        if (content != null && !content.isEmpty()) {
            enc.text(content, out);
        }
        String refused = Json.text(delta.get("refusal"));
        if (refused != null && !refused.isEmpty()) {
            refusal = true;
            enc.text(refused, out);
        }
        JsonNode calls = delta.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            int index = call.path("index").asInt(k);
            String id = Json.text(call.get("id"));
            Call known = byIndex.get(index);
            // a new index, or (servers that send no index) a new id at the same position: the next call
            if (known == null || (id != null && !id.isEmpty() && known.id() != null && !id.equals(known.id()))) {
                known = new Call(nextTool++, id);
                byIndex.put(index, known);
                enc.toolStart(known.tool(), id != null ? id : "call_" + known.tool() + "_" + enc.settings.responseId(),
                        call.path("function").path("name").asText(""), out);
            }
            int tool = known.tool();
            String fragment = call.path("function").path("arguments").asText("");
            if (!fragment.isEmpty() && !enc.toolArguments(tool, fragment, out)) {
                failed(new Errors.Neutral(502, "the upstream interleaved the arguments of parallel tool calls",
                        "upstream_stream_invalid"), out);
                return false;
            }
        }
        String finish = Json.text(choice.get("finish_reason"));
        if (finish != null) {
            StopReason reason = StopReason.fromOpenAi(finish);
            finished(refusal && reason == StopReason.END_TURN ? StopReason.REFUSAL : reason, out);
        }
        return true;
    }
}
