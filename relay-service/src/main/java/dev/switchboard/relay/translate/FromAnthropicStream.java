package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes an Anthropic messages stream. Tool calls are numbered from 0 in order of their {@code content_block_start}
 * (the block index counts text and thinking blocks too, so it is never the tool number). Usage is cumulative:
 * {@code message_start} sets it, {@code message_delta} replaces the fields it carries.
 */
final class FromAnthropicStream extends TranslatingStream {

    /** Anthropic block index → tool number. */
    private final Map<Integer, Integer> toolOfBlock = new HashMap<>();

    FromAnthropicStream(StreamEncoder enc) {
        super(enc);
    }

    @Override
    protected void decode(String event, String data, Sink out) {
        JsonNode d = Json.parse(data);
        if (d == null || !d.isObject()) {
            return; // not an event of the protocol (keep-alive text): nothing to say
        }
        String type = event != null ? event : d.path("type").asText("");
        switch (type) {
            case "message_start" -> {
                usage = Usage.fromAnthropic(d.path("message").get("usage"));
                enc.start(usage, out);
            }
            case "content_block_start" -> blockStart(d.path("index").asInt(-1), d.path("content_block"), out);
            case "content_block_delta" -> delta(d.path("index").asInt(-1), d.path("delta"), out);
            case "message_delta" -> {
                usage = usage.updatedByAnthropic(d.get("usage"));
                String reason = Json.text(d.path("delta").get("stop_reason"));
                if (reason != null) {
                    finished(StopReason.fromAnthropic(reason), out);
                }
            }
            case "message_stop" -> close(out);
            case "error" -> failed(Errors.fromAnthropic(0, d), out);
            default -> {
                // ping, content_block_stop (the client side closes blocks by itself), future event types
            }
        }
    }

    private void blockStart(int index, JsonNode block, Sink out) {
        switch (block.path("type").asText("")) {
            case "text" -> {
                String text = block.path("text").asText("");
                enc.start(usage, out);
                if (!text.isEmpty()) {
                    enc.text(text, out);
                }
            }
            case "thinking" -> {
                String text = block.path("thinking").asText("");
                enc.start(usage, out);
                if (!text.isEmpty()) {
                    enc.thinking(text, out);
                }
            }
            case "tool_use" -> {
                int tool = toolOfBlock.size();
                toolOfBlock.put(index, tool);
                enc.start(usage, out);
                enc.toolStart(tool, block.path("id").asText(""), block.path("name").asText(""), out);
                JsonNode input = block.get("input");
                if (input != null && input.isObject() && !input.isEmpty()) {
                    enc.toolArguments(tool, Json.write(input), out); // a server that sends the input whole
                }
            }
            default -> {
                // redacted_thinking and server-tool blocks have no OpenAI form
            }
        }
    }

    private void delta(int index, JsonNode delta, Sink out) {
        switch (delta.path("type").asText("")) {
            case "text_delta" -> enc.text(delta.path("text").asText(""), out);
            case "thinking_delta" -> enc.thinking(delta.path("thinking").asText(""), out);
            case "input_json_delta" -> {
                Integer tool = toolOfBlock.get(index);
                String fragment = delta.path("partial_json").asText("");
                if (tool != null && !fragment.isEmpty()) {
                    enc.toolArguments(tool, fragment, out);
                }
            }
            default -> {
                // signature_delta, citations_delta
            }
        }
    }
}
