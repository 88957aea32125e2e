package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static dev.switchboard.mock.MockClient.quote;
import static org.assertj.core.api.Assertions.assertThat;

/** Answer kinds on the Anthropic messages endpoint: tool_use, thinking, images, cache usage, refusal, prefill. */
class AnthropicAnswersTest {

    static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},"
            + "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}]";

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension();

    MockClient client;

    @BeforeEach
    void bind() {
        client = MOCK.client();
    }

    static String messagesWith(String extra, String userText, boolean stream) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":" + stream + "," + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]}";
    }

    static JsonNode ok(HttpResponse<String> resp) {
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return json(resp.body());
    }

    static List<JsonNode> events(MockClient.StreamResult result) {
        assertThat(result.failure()).isNull();
        assertThat(result.eventNames()).endsWith("message_stop");
        return result.data().stream().map(MockClient::json).toList();
    }

    /** The concatenated deltas of one content block ({@code text}, {@code thinking} or {@code partial_json}). */
    static String blockText(List<JsonNode> events, int index, String field) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) {
            if ("content_block_delta".equals(e.get("type").asText()) && e.get("index").asInt() == index
                    && e.get("delta").has(field)) {
                sb.append(e.get("delta").get(field).asText());
            }
        }
        return sb.toString();
    }

    @Test
    void toolsDirectiveAnswersToolUseBlocksAfterTheText() {
        JsonNode body = ok(client.anthropic(messagesWith(TOOLS, "weather in Paris mock-answer:tools=2,with-text", false)));

        assertThat(body.get("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode content = body.get("content");
        assertThat(content.findValuesAsText("type")).containsExactly("text", "tool_use", "tool_use");
        assertThat(content.get(0).get("text").asText()).isEqualTo("Echo: weather in Paris");
        assertThat(content.get(1).get("name").asText()).isEqualTo("get_weather");
        assertThat(content.get(2).get("name").asText()).isEqualTo("get_time");
        assertThat(content.get(1).get("id").asText()).startsWith("toolu_mock_");
        assertThat(content.get(2).get("input").get("call").asInt()).isEqualTo(1);
        assertThat(content.get(2).get("input").get("text").asText()).isEqualTo("weather in Paris");
    }

    @Test
    void streamedToolUseHasDenseBlockIndexesAndInputJsonInManyFragments() {
        List<JsonNode> events = events(client.anthropicStream(
                messagesWith(TOOLS, "weather in Paris mock-answer:tools=2,with-text,arg-chunk=3", true)));

        List<JsonNode> starts = events.stream().filter(e -> e.get("type").asText().equals("content_block_start")).toList();
        assertThat(starts).extracting(e -> e.get("index").asInt()).containsExactly(0, 1, 2);
        assertThat(starts).extracting(e -> e.get("content_block").get("type").asText())
                .containsExactly("text", "tool_use", "tool_use");
        assertThat(starts.get(1).get("content_block").get("name").asText()).isEqualTo("get_weather");
        assertThat(starts.get(1).get("content_block").get("input").isEmpty()).isTrue();
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("content_block_stop")))
                .extracting(e -> e.get("index").asInt()).containsExactly(0, 1, 2);
        long fragments = events.stream().filter(e -> e.path("delta").path("type").asText().equals("input_json_delta")
                && e.get("index").asInt() == 2).count();
        assertThat(fragments).isGreaterThan(5);

        JsonNode json = ok(client.anthropic(messagesWith(TOOLS, "weather in Paris mock-answer:tools=2,with-text", false)));
        assertThat(json(blockText(events, 2, "partial_json"))).isEqualTo(json.get("content").get(2).get("input"));
        assertThat(blockText(events, 0, "text")).isEqualTo("Echo: weather in Paris");
        JsonNode delta = events.get(events.size() - 2);
        assertThat(delta.get("delta").get("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void toolsOnlyAnswerHasNoTextBlock() {
        JsonNode body = ok(client.anthropic(messagesWith(TOOLS, "x mock-answer:tools=1", false)));
        assertThat(body.get("content").findValuesAsText("type")).containsExactly("tool_use");

        List<JsonNode> events = events(client.anthropicStream(messagesWith(TOOLS, "x mock-answer:tools=1", true)));
        assertThat(events).extracting(e -> e.get("type").asText()).startsWith("message_start", "content_block_start", "ping");
        assertThat(events.get(1).get("content_block").get("type").asText()).isEqualTo("tool_use");
    }

    @Test
    void emptyArgsToolUseHasEmptyInputAndOneEmptyPartialJson() {
        JsonNode body = ok(client.anthropic(messagesWith(TOOLS, "now mock-answer:empty-args", false)));
        assertThat(body.get("content").get(0).get("input").isEmpty()).isTrue();

        List<JsonNode> events = events(client.anthropicStream(messagesWith(TOOLS, "now mock-answer:empty-args", true)));
        List<JsonNode> deltas = events.stream().filter(e -> e.get("type").asText().equals("content_block_delta")).toList();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.getFirst().get("delta").get("type").asText()).isEqualTo("input_json_delta");
        assertThat(deltas.getFirst().get("delta").get("partial_json").asText()).isEmpty();
    }

    @Test
    void afterToolResultsTheAnswerIsTextNamingThem() {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather? mock-answer:tools=1\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":[{\"type\":\"text\",\"text\":\"noon\"}]}]}]}";
        JsonNode resp = ok(client.anthropic(body));
        assertThat(resp.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(resp.get("content").findValuesAsText("type")).containsExactly("text");
        assertThat(resp.get("content").get(0).get("text").asText()).isEqualTo("Tool results: sunny | noon");
    }

    @Test
    void thinkingDirectiveAddsASignedThinkingBlockFirst() {
        JsonNode body = ok(client.anthropic(messages("claude-sonnet-4-5", "why mock-answer:thinking", false)));
        JsonNode content = body.get("content");
        assertThat(content.findValuesAsText("type")).containsExactly("thinking", "text");
        assertThat(content.get(0).get("thinking").asText()).isEqualTo("Thinking about: why");
        assertThat(content.get(0).get("signature").asText()).startsWith("mock-signature-");
        assertThat(content.get(1).get("text").asText()).isEqualTo("Echo: why");

        List<JsonNode> events = events(client.anthropicStream(messages("claude-sonnet-4-5", "why mock-answer:thinking", true)));
        assertThat(events.get(1).get("content_block").get("type").asText()).isEqualTo("thinking");
        assertThat(blockText(events, 0, "thinking")).isEqualTo("Thinking about: why");
        assertThat(blockText(events, 0, "signature")).isEqualTo(content.get(0).get("signature").asText());
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("content_block_delta")
                && e.get("index").asInt() == 0).toList().getLast().get("delta").get("type").asText())
                .isEqualTo("signature_delta");
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("content_block_start")).toList().get(1)
                .get("index").asInt()).isEqualTo(1);
        assertThat(blockText(events, 1, "text")).isEqualTo("Echo: why");
    }

    @Test
    void imageBlocksAreAcceptedAndCountedInTheAnswer() {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\"/9j/4AAQ\"}},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.png\"}},"
                + "{\"type\":\"text\",\"text\":\"what are these\"}]}]}";
        assertThat(ok(client.anthropic(body)).get("content").get(0).get("text").asText())
                .isEqualTo("Echo: what are these [images: 2 (base64 image/jpeg, url https://example.com/cat.png)]");
    }

    @Test
    void cacheDirectiveFillsTheCacheUsageFieldsApartFromInputTokens() {
        JsonNode plain = ok(client.anthropic(messages("claude-sonnet-4-5", "hi", false))).get("usage");
        JsonNode usage = ok(client.anthropic(messages("claude-sonnet-4-5", "hi mock-answer:cache-read=100,cache-write=20", false)))
                .get("usage");
        assertThat(usage.get("cache_read_input_tokens").asLong()).isEqualTo(100);
        assertThat(usage.get("cache_creation_input_tokens").asLong()).isEqualTo(20);
        assertThat(plain.get("cache_read_input_tokens").asLong()).isZero();

        List<JsonNode> events = events(client.anthropicStream(
                messages("claude-sonnet-4-5", "hi mock-answer:cache-read=100,cache-write=20", true)));
        JsonNode start = events.getFirst().get("message").get("usage");
        assertThat(start.get("cache_read_input_tokens").asLong()).isEqualTo(100);
        JsonNode end = events.get(events.size() - 2).get("usage");
        assertThat(end.get("cache_read_input_tokens").asLong()).as("cumulative, not a delta").isEqualTo(100);
        assertThat(end.get("cache_creation_input_tokens").asLong()).isEqualTo(20);
        assertThat(end.get("input_tokens").asLong()).isEqualTo(start.get("input_tokens").asLong());
    }

    @Test
    void refusalStopsWithRefusal() {
        JsonNode body = ok(client.anthropic(messages("claude-sonnet-4-5", "bad mock-answer:refusal", false)));
        assertThat(body.get("stop_reason").asText()).isEqualTo("refusal");
        assertThat(body.get("content").get(0).get("text").asText()).isEqualTo(Prompt.REFUSAL_REPLY);

        List<JsonNode> events = events(client.anthropicStream(messages("claude-sonnet-4-5", "bad mock-answer:refusal", true)));
        assertThat(events.get(events.size() - 2).get("delta").get("stop_reason").asText()).isEqualTo("refusal");
    }

    @Test
    void streamedMaxTokensStopsWithMaxTokens() {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"please say a lot\"}]}";
        List<JsonNode> events = events(client.anthropicStream(body));
        assertThat(events.get(events.size() - 2).get("delta").get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(blockText(events, 0, "text")).isEqualTo("Echo");
    }

    @Test
    void anAssistantPrefillIsContinuedWithTheRestOfTheAnswer() {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"one two three\"},{\"role\":\"assistant\",\"content\":\"Echo: one\"}]}";
        assertThat(ok(client.anthropic(body)).get("content").get(0).get("text").asText()).isEqualTo(" two three");

        String streaming = body.replace("\"max_tokens\":100", "\"max_tokens\":100,\"stream\":true");
        assertThat(blockText(events(client.anthropicStream(streaming)), 0, "text")).isEqualTo(" two three");
    }
}
