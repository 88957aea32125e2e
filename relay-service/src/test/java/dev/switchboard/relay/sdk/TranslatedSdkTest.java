package dev.switchboard.relay.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official SDKs, unchanged, served by a provider of the other protocol: the OpenAI SDK by an
 * Anthropic-protocol provider, the Anthropic SDK by an OpenAI-protocol one.
 */
@QuarkusTest
class TranslatedSdkTest extends RelayTestBase {

    @TestHTTPResource("/")
    URL relay;

    private String claudeOnly;
    private String gptOnly;
    private String key;

    @BeforeEach
    void seed() {
        claudeOnly = Fixture.unique("sdk-tr-claude");
        gptOnly = Fixture.unique("sdk-tr-gpt");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(claudeOnly, "claude-3-5-haiku"))),
                Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")), List.of(Fixture.model(gptOnly, "gpt-4o-mini")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private String base() {
        String s = relay.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private OpenAIClient openai() {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(base() + "/v1").maxRetries(0).build();
    }

    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(base()).maxRetries(0).build();
    }

    private static FunctionDefinition weatherFunction() {
        return FunctionDefinition.builder().name("get_weather").description("Weather in a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    @Test
    void theOpenAiSdkGetsAChatCompletionFromAnAnthropicProvider() {
        ChatCompletion c = openai().chat().completions().create(ChatCompletionCreateParams.builder()
                .model(claudeOnly).addSystemMessage("Be brief").addUserMessage("Say hello").build());
        assertThat(c.model()).isEqualTo(claudeOnly);
        assertThat(c.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(mock.counts().by("/v1/messages", "claude-3-5-haiku", "up-b")).isEqualTo(1);
    }

    @Test
    void theOpenAiSdkAccumulatesAStreamFromAnAnthropicProvider() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = openai().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(claudeOnly).addUserMessage("Count to five").build())) {
            stream.stream().forEach(chunk -> {
                acc.accumulate(chunk);
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::append));
            });
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(deltas.toString()).isNotBlank();
        assertThat(c.choices().getFirst().message().content()).contains(deltas.toString());
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }

    @Test
    void theOpenAiSdkDoesAWholeToolCallRoundTripThroughAnAnthropicProvider() {
        ChatCompletionCreateParams.Builder ask = ChatCompletionCreateParams.builder().model(claudeOnly)
                .addFunctionTool(weatherFunction())
                .addUserMessage("Weather in Paris? mock-answer:tool=get_weather");
        ChatCompletion first = openai().chat().completions().create(ask.build());
        assertThat(first.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
        List<ChatCompletionMessageToolCall> calls = first.choices().getFirst().message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var call = calls.getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().arguments()).startsWith("{").contains("\"call\":0");

        ChatCompletion second = openai().chat().completions().create(ask
                .addMessage(first.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 C, sunny").build())
                .build());
        assertThat(second.choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(second.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        String upstream = mock.counts().lastRequest("/v1/messages", "claude-3-5-haiku", "up-b").orElseThrow().body();
        assertThat(upstream).contains("\"tool_use\"").contains("\"tool_result\"").contains(call.id())
                .contains("\"input_schema\"");
    }

    @Test
    void theAnthropicSdkGetsAMessageFromAnOpenAiProvider() {
        Message m = anthropic().messages().create(MessageCreateParams.builder()
                .model(gptOnly).maxTokens(64).system("Be brief").addUserMessage("Say hello").build());
        assertThat(m.model().asString()).isEqualTo(gptOnly);
        assertThat(m.content().getFirst().asText().text()).isNotBlank();
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-4o-mini", "up-a")).isEqualTo(1);
    }

    @Test
    void theAnthropicSdkStreamsAToolUseBlockFromAnOpenAiProviderAndTheAccumulatedTextIsTheStreamedText() {
        MessageAccumulator acc = MessageAccumulator.create();
        StringBuilder streamed = new StringBuilder();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(
                MessageCreateParams.builder().model(gptOnly).maxTokens(256)
                        .addTool(Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
                                .properties(JsonValueOf.properties()).build()).build())
                        .addUserMessage("Weather in Rome? mock-answer:tool=get_weather,with-text,arg-chunk=3").build())) {
            stream.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> streamed.append(t.text()));
            });
        }
        Message m = acc.message();
        List<ContentBlock> content = m.content();
        assertThat(content).hasSize(2);
        assertThat(content.get(0).asText().text()).isEqualTo(streamed.toString()).isNotBlank();
        assertThat(content.get(1).asToolUse().name()).isEqualTo("get_weather");
        assertThat(content.get(1).asToolUse()._input().toString()).contains("call");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    }

    /** The Anthropic SDK's schema properties for one string field. */
    private static final class JsonValueOf {
        static Tool.InputSchema.Properties properties() {
            return Tool.InputSchema.Properties.builder()
                    .putAdditionalProperty("city", com.anthropic.core.JsonValue.from(Map.of("type", "string"))).build();
        }
    }
}
