package dev.switchboard.relay.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The official SDKs' stream accumulators read the translated streams of the golden upstream transcripts: what a
 * client built on them ends up holding. (The SDKs driving the relay end to end is the hop's test.)
 */
class SdkAccumulatorTest {

    private static Message anthropicClientOf(String dir) throws Exception {
        Transcript upstream = Transcript.load("openai-to-anthropic/" + dir + "/upstream.sse");
        StreamTranslator t = Translator.stream(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES,
                new StreamSettings("client-model", false, "msg_test", 1));
        MessageAccumulator acc = MessageAccumulator.create();
        Sink out = (name, data) -> {
            try {
                acc.accumulate(com.anthropic.core.ObjectMappers.jsonMapper().readValue(data, RawMessageStreamEvent.class));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        upstream.events().forEach(e -> t.onEvent(null, e.data(), out));
        t.onEnd(out);
        return acc.message();
    }

    private static ChatCompletion openAiClientOf(String dir) throws Exception {
        Transcript upstream = Transcript.load("anthropic-to-openai/" + dir + "/upstream.sse");
        StreamTranslator t = Translator.stream(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT,
                new StreamSettings("client-model", true, "chatcmpl-test", 1));
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        Sink out = (name, data) -> {
            if ("[DONE]".equals(data)) {
                return;
            }
            try {
                acc.accumulate(com.openai.core.ObjectMappers.jsonMapper().readValue(data, ChatCompletionChunk.class));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        upstream.events().forEach(e -> t.onEvent(e.name(), e.data(), out));
        t.onEnd(out);
        return acc.chatCompletion();
    }

    private static String json(Object value) throws Exception {
        return Json.MAPPER.readTree(com.anthropic.core.ObjectMappers.jsonMapper().writeValueAsString(value)).toString();
    }

    @Test
    void theAnthropicSdkAccumulatesTextAndTwoToolUseBlocksWithParsedInputs() throws Exception {
        Message m = anthropicClientOf("text-then-two-parallel-tool-calls");
        List<ContentBlock> content = m.content();
        assertThat(content).hasSize(3);
        assertThat(content.get(0).asText().text()).isEqualTo("Checking both.");
        assertThat(content.get(1).asToolUse().id()).isEqualTo("call_A");
        assertThat(json(content.get(1).asToolUse()._input())).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(json(content.get(2).asToolUse()._input())).isEqualTo("{\"city\":\"Rome\"}");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().inputTokens()).isEqualTo(50);
        assertThat(m.usage().outputTokens()).isEqualTo(40);
    }

    @Test
    void theAnthropicSdkAccumulatesAThinkingBlockThenText() throws Exception {
        Message m = anthropicClientOf("thinking-then-text");
        assertThat(m.content().get(0).asThinking().thinking()).isEqualTo("Let me think about it.");
        assertThat(m.content().get(1).asText().text()).isEqualTo("The answer is 4.");
    }

    @Test
    void theAnthropicSdkReadsAnEmptyArgumentsToolCallAsAnEmptyObject() throws Exception {
        Message m = anthropicClientOf("tool-call-with-empty-arguments");
        assertThat(json(m.content().getFirst().asToolUse()._input())).isEqualTo("{}");
    }

    @Test
    void theOpenAiSdkAccumulatesTextAndTwoToolCalls() throws Exception {
        ChatCompletion c = openAiClientOf("text-then-two-parallel-tool-calls");
        var message = c.choices().getFirst().message();
        assertThat(message.content()).contains("Checking both.");
        List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).asFunction().id()).isEqualTo("toolu_A");
        assertThat(calls.get(0).asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(calls.get(1).asFunction().function().arguments()).isEqualTo("{\"city\":\"Rome\"}");
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(10);
    }

    @Test
    void theOpenAiSdkReadsCachedPromptTokens() throws Exception {
        ChatCompletion c = openAiClientOf("cache-read-and-write-usage");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(125);
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(100L);
    }
}
