package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Anthropic message answers (whole JSON) ⇄ {@link Reply}. */
final class AnthropicAnswers {

    private AnthropicAnswers() {
    }

    static Reply decodeResponse(JsonNode r) {
        List<Reply.Block> blocks = new ArrayList<>();
        for (JsonNode block : r.path("content")) {
            switch (block.path("type").asText("")) {
                case "text" -> blocks.add(new Reply.Text(block.path("text").asText("")));
                case "thinking" -> blocks.add(new Reply.Thinking(block.path("thinking").asText("")));
                case "tool_use" -> blocks.add(new Reply.ToolCall(block.path("id").asText(""),
                        block.path("name").asText(""), block.path("input").isObject() ? block.get("input") : Json.object()));
                default -> {
                    // redacted_thinking and server-tool blocks have no OpenAI form
                }
            }
        }
        return new Reply(r.path("id").asText(""), blocks, StopReason.fromAnthropic(Json.text(r.get("stop_reason"))),
                Usage.fromAnthropic(r.get("usage")));
    }

    static ObjectNode encodeResponse(Reply r, String clientModel) {
        ObjectNode b = Json.object();
        b.put("id", r.id()).put("type", "message").put("role", "assistant").put("model", clientModel);
        ArrayNode content = b.putArray("content");
        for (Reply.Block block : r.blocks()) {
            switch (block) {
                case Reply.Thinking t -> content.addObject().put("type", "thinking").put("thinking", t.text())
                        .put("signature", "");
                case Reply.Text t -> content.addObject().put("type", "text").put("text", t.text());
                case Reply.ToolCall call -> content.addObject().put("type", "tool_use").put("id", call.id())
                        .put("name", call.name()).set("input", call.input());
            }
        }
        b.put("stop_reason", r.stopReason().anthropic);
        b.putNull("stop_sequence");
        b.set("usage", r.usage().toAnthropic());
        return b;
    }
}
