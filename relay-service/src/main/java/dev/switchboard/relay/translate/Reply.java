package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The neutral form of a whole (non-streamed) answer. */
record Reply(String id, List<Block> blocks, StopReason stopReason, Usage usage) {

    sealed interface Block permits Text, Thinking, ToolCall {
    }

    record Text(String text) implements Block {
    }

    record Thinking(String text) implements Block {
    }

    record ToolCall(String id, String name, JsonNode input) implements Block {
    }
}
