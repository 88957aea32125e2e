package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static dev.switchboard.relay.translate.Golden.reread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Whole JSON answers: golden pairs; OpenAI's {@code created} is the translation time, so it is checked apart. */
class ResponseTranslationTest {

    private static void golden(Wire from, Wire to, String dir) {
        String base = "response/" + dir + "/";
        ObjectNode got = (ObjectNode) reread(Translator.response(from, to, json(base + "upstream.json"), "client-model"));
        if (to == Wire.OPENAI_CHAT) {
            assertThat(got.path("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000,
                    org.assertj.core.data.Offset.offset(5L));
            got.put("created", 0);
        }
        assertThat(got).isEqualTo(json(base + "client.json"));
    }

    @Test
    void thinkingTextAndToolUseBecomeReasoningContentContentAndToolCallsWithCachedPromptTokens() {
        golden(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, "anthropic-to-openai/thinking-text-tool-use-and-cache-usage");
    }

    @Test
    void aMaxTokensAnswerFinishesWithLength() {
        golden(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, "anthropic-to-openai/max-tokens-stop");
    }

    @Test
    void reasoningTextAndTwoToolCallsBecomeFourBlocksWithCacheSubtractedFromInput() {
        golden(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, "openai-to-anthropic/reasoning-text-two-tool-calls-and-cached-usage");
    }

    @Test
    void anOpenAiRefusalIsATextBlockWithStopReasonRefusal() {
        golden(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, "openai-to-anthropic/refusal");
    }

    @Test
    void unparseableToolArgumentsFromTheUpstreamAreA502() {
        ObjectNode up = json("{'id':'c','choices':[{'index':0,'message':{'role':'assistant','content':null,"
                + "'tool_calls':[{'id':'x','type':'function','function':{'name':'f','arguments':'not json'}}]},"
                + "'finish_reason':'tool_calls'}]}");
        assertThatThrownBy(() -> Translator.response(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, up, "m"))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.param()).isEqualTo("choices[0].message.tool_calls[0].function.arguments");
                });
    }

    @Test
    void theUsageOfAnAnswerIsReadInTheUpstreamsDialect() {
        assertThat(Translator.usage(Wire.ANTHROPIC_MESSAGES,
                json("response/anthropic-to-openai/thinking-text-tool-use-and-cache-usage/upstream.json")))
                .isEqualTo(new Usage(5, 30, 100, 20));
        assertThat(Translator.usage(Wire.OPENAI_CHAT,
                json("response/openai-to-anthropic/reasoning-text-two-tool-calls-and-cached-usage/upstream.json")))
                .isEqualTo(new Usage(200, 40, 1000, 0));
    }
}
