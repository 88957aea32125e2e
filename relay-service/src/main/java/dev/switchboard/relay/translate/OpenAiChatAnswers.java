package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** OpenAI chat completion answers (whole JSON) ⇄ {@link Reply}. */
final class OpenAiChatAnswers {

    private OpenAiChatAnswers() {
    }

    static Reply decodeResponse(JsonNode r) {
        JsonNode choice = r.path("choices").path(0);
        JsonNode msg = choice.path("message");
        List<Reply.Block> blocks = new ArrayList<>();
        String reasoning = Json.text(msg.get("reasoning_content"));
        if (reasoning == null) {
            reasoning = Json.text(msg.get("reasoning"));
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            blocks.add(new Reply.Thinking(reasoning));
        }
        String content = Json.text(msg.get("content"));
        if (content != null && !content.isEmpty()) {
            blocks.add(new Reply.Text(content));
        }
        String refusal = Json.text(msg.get("refusal"));
        if (refusal != null && !refusal.isEmpty()) {
            blocks.add(new Reply.Text(refusal));
        }
        JsonNode calls = msg.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            blocks.add(new Reply.ToolCall(call.path("id").asText(""), call.path("function").path("name").asText(""),
                    OpenAiChatCodec.arguments(call.path("function").path("arguments").asText(""),
                            "choices[0].message.tool_calls[" + k + "].function.arguments", 502)));
        }
        StopReason stop = StopReason.fromOpenAi(Json.text(choice.get("finish_reason")));
        if (refusal != null && !refusal.isEmpty()) {
            stop = StopReason.REFUSAL;
        }
        return new Reply(r.path("id").asText(""), blocks, stop, Usage.fromOpenAi(r.get("usage")));
    }

    static ObjectNode encodeResponse(Reply r, String clientModel, long created) {
        ObjectNode b = Json.object();
        b.put("id", r.id()).put("object", "chat.completion").put("created", created).put("model", clientModel);
        ObjectNode choice = b.putArray("choices").addObject().put("index", 0);
        ObjectNode msg = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = Json.array();
        for (Reply.Block block : r.blocks()) {
            switch (block) {
                case Reply.Text t -> text.append(t.text());
                case Reply.Thinking t -> thinking.append(t.text());
                case Reply.ToolCall call -> {
                    ObjectNode tc = calls.addObject().put("id", call.id()).put("type", "function");
                    tc.putObject("function").put("name", call.name()).put("arguments", Json.write(call.input()));
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!thinking.isEmpty()) {
            msg.put("reasoning_content", thinking.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        msg.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", r.stopReason().openAi);
        b.set("usage", r.usage().toOpenAi());
        return b;
    }
}
