package dev.switchboard.relay.translate;

/** Why the model stopped, in neutral form, with both wires' names. */
enum StopReason {
    END_TURN("end_turn", "stop"),
    STOP_SEQUENCE("stop_sequence", "stop"),
    MAX_TOKENS("max_tokens", "length"),
    TOOL_USE("tool_use", "tool_calls"),
    REFUSAL("refusal", "content_filter");

    final String anthropic;
    final String openAi;

    StopReason(String anthropic, String openAi) {
        this.anthropic = anthropic;
        this.openAi = openAi;
    }

    /**
     * An Anthropic {@code stop_reason}. {@code pause_turn} (server tools, which are refused) ends the turn;
     * {@code model_context_window_exceeded} is a length stop; anything unknown ends the turn.
     */
    static StopReason fromAnthropic(String s) {
        if (s == null) {
            return END_TURN;
        }
        return switch (s) {
            case "stop_sequence" -> STOP_SEQUENCE;
            case "max_tokens", "model_context_window_exceeded" -> MAX_TOKENS;
            case "tool_use" -> TOOL_USE;
            case "refusal" -> REFUSAL;
            default -> END_TURN;
        };
    }

    /** An OpenAI {@code finish_reason}; the legacy {@code function_call} is a tool stop, anything unknown ends the turn. */
    static StopReason fromOpenAi(String s) {
        if (s == null) {
            return END_TURN;
        }
        return switch (s) {
            case "length" -> MAX_TOKENS;
            case "tool_calls", "function_call" -> TOOL_USE;
            case "content_filter" -> REFUSAL;
            default -> END_TURN;
        };
    }
}
