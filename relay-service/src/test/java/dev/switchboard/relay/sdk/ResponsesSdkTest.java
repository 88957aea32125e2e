package dev.switchboard.relay.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputContent;
import com.openai.models.responses.ResponseInputImage;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputText;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's Responses API, unchanged, against a chat-completions provider and an Anthropic
 * provider of the mock (both translated by the relay). Responses are validated by the SDK ({@code validate()}), so
 * a missing required field fails the test.
 */
@QuarkusTest
class ResponsesSdkTest extends RelayTestBase {

    @TestHTTPResource("/")
    URL relay;

    private String gpt;
    private String claude;
    private String key;

    @BeforeEach
    void seed() {
        gpt = Fixture.unique("sdk-r-gpt");
        claude = Fixture.unique("sdk-r-claude");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")), List.of(Fixture.model(gpt, "gpt-4o-mini"))),
                Fixture.provider(Fixture.unique("anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(claude, "claude-3-5-haiku")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private OpenAIClient client() {
        String s = relay.toString();
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/v1")
                .maxRetries(0).build();
    }

    private static String text(Response r) {
        StringBuilder b = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            if (item.isMessage()) {
                item.asMessage().content().forEach(c -> b.append(c.asOutputText().text()));
            }
        }
        return b.toString();
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Weather of a city").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    private static ResponseInputItem user(String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content(text).build());
    }

    @Test
    void basicTextWithASystemInstructionOnBothProviders() {
        for (String model : List.of(gpt, claude)) {
            Response r = client().responses().create(ResponseCreateParams.builder().model(model)
                    .instructions("Be brief").input("Say hello").build()).validate();
            assertThat(text(r)).as(model).isEqualTo("Echo: Say hello");
            assertThat(r.status()).contains(ResponseStatus.COMPLETED);
            assertThat(r.usage().orElseThrow().inputTokens()).isPositive();
        }
    }

    @Test
    void streamingDeliversTextDeltasAndACompletedResponse() {
        for (String model : List.of(gpt, claude)) {
            List<String> deltas = new ArrayList<>();
            List<Response> completed = new ArrayList<>();
            try (StreamResponse<ResponseStreamEvent> stream = client().responses().createStreaming(
                    ResponseCreateParams.builder().model(model).input("count one two three").build())) {
                stream.stream().forEach(e -> {
                    if (e.isOutputTextDelta()) {
                        deltas.add(e.asOutputTextDelta().delta());
                    } else if (e.isCompleted()) {
                        completed.add(e.asCompleted().response().validate());
                    }
                });
            }
            assertThat(String.join("", deltas)).as(model).isEqualTo("Echo: count one two three");
            assertThat(completed).hasSize(1);
            assertThat(text(completed.getFirst())).isEqualTo("Echo: count one two three");
        }
    }

    @Test
    void aFunctionToolCallAndItsResultRoundTrip() {
        for (String model : List.of(gpt, claude)) {
            Response first = client().responses().create(ResponseCreateParams.builder().model(model).addTool(weatherTool())
                    .input("weather in Paris? mock-answer:tools=1").build()).validate();
            ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                    .findFirst().orElseThrow().asFunctionCall();
            assertThat(call.name()).isEqualTo("get_weather");

            Response second = client().responses().create(ResponseCreateParams.builder().model(model).addTool(weatherTool())
                    .inputOfResponse(List.of(user("weather in Paris?"), ResponseInputItem.ofFunctionCall(call),
                            ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                    .callId(call.callId()).output("sunny").build())))
                    .build()).validate();
            assertThat(text(second)).as(model).isEqualTo("Tool results: sunny");
        }
    }

    @Test
    void aStreamingToolCallAccumulatesItsArguments() {
        for (String model : List.of(gpt, claude)) {
            StringBuilder args = new StringBuilder();
            List<Response> completed = new ArrayList<>();
            try (StreamResponse<ResponseStreamEvent> stream = client().responses().createStreaming(
                    ResponseCreateParams.builder().model(model).addTool(weatherTool())
                            .input("weather? mock-answer:tools=1,arg-chunk=4").build())) {
                stream.stream().forEach(e -> {
                    if (e.isFunctionCallArgumentsDelta()) {
                        args.append(e.asFunctionCallArgumentsDelta().delta());
                    } else if (e.isCompleted()) {
                        completed.add(e.asCompleted().response());
                    }
                });
            }
            ResponseFunctionToolCall call = completed.getFirst().output().getFirst().asFunctionCall();
            assertThat(call.arguments()).as(model).isEqualTo(args.toString()).contains("\"call\":0");
        }
    }

    @Test
    void anImageInputReachesTheUpstream() {
        for (String model : List.of(gpt, claude)) {
            ResponseInputItem msg = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                    .role(EasyInputMessage.Role.USER).contentOfResponseInputMessageContentList(List.of(
                            ResponseInputContent.ofInputText(ResponseInputText.builder().text("what is this").build()),
                            ResponseInputContent.ofInputImage(ResponseInputImage.builder()
                                    .detail(ResponseInputImage.Detail.AUTO).imageUrl("https://example.com/cat.jpg").build())))
                    .build());
            Response r = client().responses().create(ResponseCreateParams.builder().model(model)
                    .inputOfResponse(List.of(msg)).build()).validate();
            assertThat(text(r)).as(model).isEqualTo("Echo: what is this [images: 1 (url https://example.com/cat.jpg)]");
        }
    }

    @Test
    void aMultiTurnConversationAnswersTheLastUserTurn() {
        for (String model : List.of(gpt, claude)) {
            ResponseInputItem assistant = ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                    .role(EasyInputMessage.Role.ASSISTANT).content("Echo: first").build());
            Response r = client().responses().create(ResponseCreateParams.builder().model(model)
                    .inputOfResponse(List.of(user("first"), assistant, user("second"))).build()).validate();
            assertThat(text(r)).as(model).isEqualTo("Echo: second");
        }
    }

    @Test
    void maxOutputTokensReachedIsIncomplete() {
        for (String model : List.of(gpt, claude)) {
            Response r = client().responses().create(ResponseCreateParams.builder().model(model).maxOutputTokens(2L)
                    .input("a question long enough to be cut short").build()).validate();
            assertThat(r.status()).as(model).contains(ResponseStatus.INCOMPLETE);
            assertThat(r.incompleteDetails().orElseThrow().reason().orElseThrow().asString()).isEqualTo("max_output_tokens");
        }
    }
}
