package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;

class AnthropicEndpointsTest {

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension();

    MockProvider mock;
    MockClient client;

    @BeforeEach
    void bind() {
        mock = MOCK.provider();
        client = MOCK.client();
    }

    @Test
    void messageEchoesModelAndLastUserMessageWithUsage() {
        HttpResponse<String> resp = client.anthropic(messages("claude-sonnet-4-5", "hello there world", false));

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValueAsLong("content-length")).hasValue(resp.body().getBytes().length);
        JsonNode body = json(resp.body());
        assertThat(body.get("type").asText()).isEqualTo("message");
        assertThat(body.get("id").asText()).startsWith("msg_");
        assertThat(body.get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.get("content").get(0).get("type").asText()).isEqualTo("text");
        assertThat(body.get("content").get(0).get("text").asText()).isEqualTo("Echo: hello there world");
        assertThat(body.get("stop_reason").asText()).isEqualTo("end_turn");
        // system "Be brief." (9) + 17 = 26 chars -> 7 tokens; reply 23 chars -> 6 tokens
        assertThat(body.get("usage").get("input_tokens").asLong()).isEqualTo(7);
        assertThat(body.get("usage").get("output_tokens").asLong()).isEqualTo(6);
    }

    @Test
    void countTokensAnswersTheInputTokensTheMessageWouldBeBilled() {
        HttpResponse<String> resp = client.post("/v1/messages/count_tokens",
                messages("claude-sonnet-4-5", "hello there world", false), "x-api-key", MockProviderOptions.DEFAULT_KEY);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(json(resp.body()).get("input_tokens").asLong()).isEqualTo(7);
    }

    @Test
    void contentBlocksAndSystemBlocksAreRead() {
        String body = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"sys\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"block text\"}]}]}";
        JsonNode resp = json(client.anthropic(body).body());
        assertThat(resp.get("content").get(0).get("text").asText()).isEqualTo("Echo: block text");
        assertThat(resp.get("usage").get("input_tokens").asLong()).isEqualTo(4); // 3 + 10 chars
    }

    @Test
    void maxTokensStopsWithMaxTokensReason() {
        String body = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"please say a lot\"}]}";
        JsonNode resp = json(client.anthropic(body).body());
        assertThat(resp.get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(resp.get("content").get(0).get("text").asText()).isEqualTo("Echo");
    }

    @Test
    void successCarriesAnthropicRateLimitHeaders() {
        HttpResponse<String> resp = client.anthropic(messages("claude-haiku-4-5", "hi", false));
        assertThat(resp.headers().firstValue("anthropic-ratelimit-requests-remaining")).hasValue("3999");
        assertThat(resp.headers().firstValue("anthropic-ratelimit-requests-limit")).hasValue("4000");
        assertThat(resp.headers().firstValue("anthropic-ratelimit-tokens-remaining")).isPresent();
        assertThat(resp.headers().firstValue("request-id")).isPresent();
    }

    @Test
    void streamFollowsTheRealEventSequence() {
        MockClient.StreamResult result = client.anthropicStream(messages("claude-sonnet-4-5", "one two three", true));

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.failure()).isNull();
        assertThat(result.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(result.eventNames()).containsExactly(
                "message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        List<JsonNode> data = result.data().stream().map(MockClient::json).toList();
        assertThat(data).extracting(d -> d.get("type").asText()).containsExactlyElementsOf(result.eventNames());

        JsonNode start = data.getFirst().get("message");
        assertThat(start.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(start.get("usage").get("input_tokens").asLong()).isEqualTo(6); // 9 + 13 chars
        StringBuilder text = new StringBuilder();
        data.stream().filter(d -> d.get("type").asText().equals("content_block_delta"))
                .forEach(d -> text.append(d.get("delta").get("text").asText()));
        assertThat(text.toString()).isEqualTo("Echo: one two three");
        JsonNode messageDelta = data.get(data.size() - 2);
        assertThat(messageDelta.get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.get("usage").get("output_tokens").asLong()).isEqualTo(5); // 19 chars
    }

    @Test
    void wrongOrMissingKeyIs401WithAnthropicErrorBody() {
        HttpResponse<String> wrong = client.post("/v1/messages", messages("claude-haiku-4-5", "hi", false),
                "x-api-key", "nope");
        HttpResponse<String> missing = client.post("/v1/messages", messages("claude-haiku-4-5", "hi", false));
        for (HttpResponse<String> resp : List.of(wrong, missing)) {
            assertThat(resp.statusCode()).isEqualTo(401);
            JsonNode body = json(resp.body());
            assertThat(body.get("type").asText()).isEqualTo("error");
            assertThat(body.get("error").get("type").asText()).isEqualTo("authentication_error");
            assertThat(body.get("error").get("message").asText()).isNotBlank();
        }
    }

    @Test
    void bearerTokenIsNotAnAnthropicKey() {
        HttpResponse<String> resp = client.post("/v1/messages", messages("claude-haiku-4-5", "hi", false),
                "Authorization", "Bearer mock-key");
        assertThat(resp.statusCode()).isEqualTo(401);
    }

    @Test
    void missingMessagesIs400InAnthropicShape() {
        HttpResponse<String> resp = client.anthropic("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10}");
        assertThat(resp.statusCode()).isEqualTo(400);
        JsonNode body = json(resp.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void modelsWithApiKeyHeaderAnswersAnthropicShape() {
        HttpResponse<String> resp = client.get("/v1/models", "x-api-key", "mock-key");
        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode body = json(resp.body());
        assertThat(body.get("data").get(0).get("type").asText()).isEqualTo("model");
        assertThat(body.get("has_more").asBoolean()).isFalse();
        assertThat(body.get("data").findValuesAsText("id")).contains("claude-sonnet-4-5");
    }
}
