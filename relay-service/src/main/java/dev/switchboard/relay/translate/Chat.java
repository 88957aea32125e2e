package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The neutral form of a chat request: what both wires can express. A codec's decoder refuses (400) what answers
 * differently and has no slot here, and drops what has no effect on the answer; its encoder writes the rest. When a
 * third wire can carry something only one of today's two has, that thing gets a slot here and the refusal moves to
 * the encoders that cannot carry it.
 *
 * @param system system prompt pieces, in order (OpenAI system + developer messages, Anthropic {@code system})
 * @param messages alternating or not; encoders that need alternation merge neighbours
 * @param maxTokens null: the client gave none
 * @param stop stop sequences, empty for none
 * @param tools empty for none
 * @param toolChoice null: the wire's default
 * @param parallelToolCalls null: the wire's default (parallel allowed)
 * @param thinkingBudget Anthropic thinking budget tokens asked by an Anthropic client; null: none
 * @param reasoningEffort OpenAI {@code reasoning_effort} asked by an OpenAI client; null: none
 * @param responseFormat structured output, in OpenAI chat's {@code response_format} shape ({@code json_schema} /
 *     {@code json_object}); null: plain text. Only the Responses decoder sets it, and only when the target is OpenAI
 *     chat (it refuses {@code text.format} towards a wire that cannot carry it)
 */
record Chat(List<String> system, List<Message> messages, Integer maxTokens, Double temperature, Double topP,
        List<String> stop, List<Tool> tools, ToolChoice toolChoice, Boolean parallelToolCalls, String user,
        Integer thinkingBudget, String reasoningEffort, boolean stream, JsonNode responseFormat) {

    /** A request without structured output (what the chat and messages wires can ask of each other). */
    Chat(List<String> system, List<Message> messages, Integer maxTokens, Double temperature, Double topP,
            List<String> stop, List<Tool> tools, ToolChoice toolChoice, Boolean parallelToolCalls, String user,
            Integer thinkingBudget, String reasoningEffort, boolean stream) {
        this(system, messages, maxTokens, temperature, topP, stop, tools, toolChoice, parallelToolCalls, user,
                thinkingBudget, reasoningEffort, stream, null);
    }

    enum Role { USER, ASSISTANT }

    /** One turn. Tool results live in user turns, tool calls in assistant turns (Anthropic's model). */
    record Message(Role role, List<Part> parts) {
    }

    sealed interface Part permits Text, Image, ToolCall, ToolResult {
    }

    record Text(String text) implements Part {
    }

    /** Either inline ({@code mediaType} + base64 {@code data}) or by {@code url}. */
    record Image(String mediaType, String data, String url) implements Part {
    }

    /** {@code input} is the parsed arguments object. */
    record ToolCall(String id, String name, JsonNode input) implements Part {
    }

    /** {@code content} is the result as text (both wires' common denominator). */
    record ToolResult(String toolCallId, String content) implements Part {
    }

    /** {@code parameters} is the JSON schema of the arguments (never null). */
    record Tool(String name, String description, JsonNode parameters) {
    }

    enum ToolChoiceKind { AUTO, ANY, NONE, TOOL }

    /** {@code name} only for {@link ToolChoiceKind#TOOL}. */
    record ToolChoice(ToolChoiceKind kind, String name) {
    }
}
