package dev.switchboard.relay.translate;

import java.util.Locale;

/**
 * What the hop knows about the chosen candidate when translating a request.
 *
 * @param upstreamModel the model name sent upstream
 * @param defaultMaxTokens {@code max_tokens} towards Anthropic (required there) when the client gave none
 * @param streamUsage towards OpenAI: ask {@code stream_options.include_usage:true} on every streamed request
 *     (off for OpenAI-compatible upstreams that reject {@code stream_options})
 * @param thinkingSupported the upstream model reasons: {@code reasoning_effort} becomes an Anthropic thinking budget,
 *     an Anthropic {@code thinking} budget becomes {@code reasoning_effort}; otherwise both are dropped
 * @param lowBudget thinking budget tokens for {@code reasoning_effort: low} (and the upper bound of "low" in reverse)
 * @param mediumBudget ... for {@code medium}
 * @param highBudget ... for {@code high}
 */
public record RequestSettings(String upstreamModel, int defaultMaxTokens, boolean streamUsage,
        boolean thinkingSupported, int lowBudget, int mediumBudget, int highBudget) {

    /** Anthropic's smallest accepted {@code budget_tokens}. */
    public static final int MIN_THINKING_BUDGET = 1024;

    public RequestSettings {
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive");
        }
        if (lowBudget < MIN_THINKING_BUDGET || mediumBudget < lowBudget || highBudget < mediumBudget) {
            throw new IllegalArgumentException("thinking budgets must grow from at least " + MIN_THINKING_BUDGET);
        }
    }

    /** 4096 default max tokens, stream usage on, no thinking; budgets 2048 / 8192 / 24576. */
    public static RequestSettings of(String upstreamModel) {
        return new RequestSettings(upstreamModel, 4096, true, false, 2048, 8192, 24576);
    }

    public RequestSettings withDefaultMaxTokens(int n) {
        return new RequestSettings(upstreamModel, n, streamUsage, thinkingSupported, lowBudget, mediumBudget, highBudget);
    }

    public RequestSettings withStreamUsage(boolean on) {
        return new RequestSettings(upstreamModel, defaultMaxTokens, on, thinkingSupported, lowBudget, mediumBudget, highBudget);
    }

    public RequestSettings withThinking(boolean supported) {
        return new RequestSettings(upstreamModel, defaultMaxTokens, streamUsage, supported, lowBudget, mediumBudget, highBudget);
    }

    /**
     * The Anthropic thinking budget for an OpenAI {@code reasoning_effort}; null when the model does not think or
     * the effort asks for none ({@code none}, {@code minimal}, or a value this table does not know).
     */
    public Integer thinkingBudgetFor(String effort) {
        if (!thinkingSupported || effort == null) {
            return null;
        }
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "low" -> lowBudget;
            case "medium" -> mediumBudget;
            case "high" -> highBudget;
            default -> null;
        };
    }

    /** The OpenAI {@code reasoning_effort} for an Anthropic thinking budget; null when the model does not reason. */
    public String effortFor(int budgetTokens) {
        if (!thinkingSupported) {
            return null;
        }
        if (budgetTokens <= lowBudget) {
            return "low";
        }
        return budgetTokens <= mediumBudget ? "medium" : "high";
    }
}
