package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.quote;
import static org.assertj.core.api.Assertions.assertThat;

/** Answer kinds on the OpenAI chat endpoint: tool calls, reasoning, images, cache usage, refusal, length. */
class OpenAiAnswersTest {

    static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":{}}}]";

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension();

    MockClient client;

    @BeforeEach
    void bind() {
        client = MOCK.client();
    }

    static String chatWith(String extra, String userText, boolean stream) {
        return "{\"model\":\"gpt-4o\",\"stream\":" + stream + "," + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]}";
    }

    static JsonNode message(HttpResponse<String> resp) {
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return json(resp.body()).get("choices").get(0);
    }

    /** Tool-call arguments per index, concatenated from the stream, plus the head (id, name) of each. */
    static Map<Integer, String[]> streamedToolCalls(List<JsonNode> chunks) {
        Map<Integer, String[]> calls = new LinkedHashMap<>();
        for (JsonNode c : chunks) {
            JsonNode tc = c.path("choices").path(0).path("delta").get("tool_calls");
            if (tc == null) {
                continue;
            }
            JsonNode call = tc.get(0);
            String[] acc = calls.computeIfAbsent(call.get("index").asInt(), i -> new String[] {null, null, ""});
            if (call.has("id")) {
                acc[0] = call.get("id").asText();
                acc[1] = call.get("function").get("name").asText();
            }
            acc[2] += call.get("function").get("arguments").asText();
        }
        return calls;
    }

    static List<JsonNode> chunks(MockClient.StreamResult result) {
        assertThat(result.failure()).isNull();
        List<String> data = result.data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        return data.subList(0, data.size() - 1).stream().map(MockClient::json).toList();
    }

    @Test
    void toolsDirectiveAnswersParallelToolCallsNamedAfterTheRequestsTools() {
        JsonNode choice = message(client.openAi("/v1/chat/completions",
                chatWith(TOOLS, "weather in Paris mock-answer:tools=2", false)));

        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode msg = choice.get("message");
        assertThat(msg.get("content").isNull()).isTrue();
        JsonNode calls = msg.get("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.findValuesAsText("name")).containsExactly("get_weather", "get_time");
        assertThat(calls.get(0).get("type").asText()).isEqualTo("function");
        assertThat(calls.get(0).get("id").asText()).startsWith("call_mock_").isNotEqualTo(calls.get(1).get("id").asText());
        JsonNode args = json(calls.get(1).get("function").get("arguments").asText());
        assertThat(args.get("call").asInt()).isEqualTo(1);
        assertThat(args.get("text").asText()).isEqualTo("weather in Paris");
    }

    @Test
    void streamedToolCallsCarryIdAndNameOnceAndArgumentsInManySmallFragments() {
        List<JsonNode> chunks = chunks(client.openAiStream(
                chatWith(TOOLS, "weather in Paris mock-answer:tools=2,arg-chunk=4", true)));

        JsonNode roleDelta = chunks.getFirst().get("choices").get(0).get("delta");
        assertThat(roleDelta.get("role").asText()).isEqualTo("assistant");
        assertThat(roleDelta.get("content").isNull()).as("a tools-only answer has null content").isTrue();
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
        long fragments = chunks.stream().filter(c -> c.path("choices").path(0).path("delta").has("tool_calls")).count();
        assertThat(fragments).isGreaterThan(10);
        Map<Integer, String[]> calls = streamedToolCalls(chunks);
        assertThat(calls).containsOnlyKeys(0, 1);
        assertThat(calls.get(0)[1]).isEqualTo("get_weather");
        assertThat(calls.get(1)[1]).isEqualTo("get_time");
        // the streamed calls are exactly the JSON answer's calls
        JsonNode json = message(client.openAi("/v1/chat/completions",
                chatWith(TOOLS, "weather in Paris mock-answer:tools=2,arg-chunk=4", false))).get("message");
        for (int i = 0; i < 2; i++) {
            JsonNode call = json.get("tool_calls").get(i);
            assertThat(calls.get(i)[0]).isEqualTo(call.get("id").asText());
            assertThat(calls.get(i)[2]).isEqualTo(call.get("function").get("arguments").asText());
        }
    }

    @Test
    void withTextPutsContentBeforeTheToolCalls() {
        JsonNode msg = message(client.openAi("/v1/chat/completions",
                chatWith(TOOLS, "look it up mock-answer:tools=1,with-text", false))).get("message");
        assertThat(msg.get("content").asText()).isEqualTo("Echo: look it up");
        assertThat(msg.get("tool_calls")).hasSize(1);

        List<JsonNode> chunks = chunks(client.openAiStream(chatWith(TOOLS, "look it up mock-answer:tools=1,with-text", true)));
        int lastContent = -1;
        int firstTool = -1;
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode delta = chunks.get(i).get("choices").get(0).get("delta");
            if (delta.hasNonNull("content") && !delta.get("content").asText().isEmpty()) {
                lastContent = i;
            }
            if (delta.has("tool_calls") && firstTool < 0) {
                firstTool = i;
            }
        }
        assertThat(lastContent).isPositive().isLessThan(firstTool);
    }

    @Test
    void emptyArgsToolCallHasEmptyObjectArguments() {
        JsonNode call = message(client.openAi("/v1/chat/completions", chatWith(TOOLS, "now mock-answer:empty-args", false)))
                .get("message").get("tool_calls").get(0);
        assertThat(call.get("function").get("arguments").asText()).isEqualTo("{}");

        Map<Integer, String[]> streamed = streamedToolCalls(chunks(
                client.openAiStream(chatWith(TOOLS, "now mock-answer:empty-args", true))));
        assertThat(streamed.get(0)[2]).isEqualTo("{}");
    }

    @Test
    void toolNamesFollowToolChoiceThenTheToolParameterThenADefault() {
        String named = TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}";
        assertThat(message(client.openAi("/v1/chat/completions", chatWith(named, "x mock-answer:tools=1", false)))
                .get("message").get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("get_time");
        assertThat(message(client.openAi("/v1/chat/completions", chat("gpt-4o", "x mock-answer:tool=lookup", false)))
                .get("message").get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("lookup");
        assertThat(message(client.openAi("/v1/chat/completions", chat("gpt-4o", "x mock-answer:tools=1", false)))
                .get("message").get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("mock_tool");
    }

    @Test
    void afterToolResultsTheAnswerIsTextNamingThem() {
        String body = "{\"model\":\"gpt-4o\"," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather? mock-answer:tools=2\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"noon\"}]}";
        JsonNode choice = message(client.openAi("/v1/chat/completions", body));
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Tool results: sunny | noon");
        assertThat(choice.get("message").has("tool_calls")).isFalse();
    }

    @Test
    void thinkingDirectiveAddsReasoningContentAndReasoningTokens() {
        JsonNode body = json(client.openAi("/v1/chat/completions", chat("gpt-4o", "why mock-answer:thinking", false)).body());
        JsonNode msg = body.get("choices").get(0).get("message");
        assertThat(msg.get("reasoning_content").asText()).isEqualTo("Thinking about: why");
        assertThat(msg.get("content").asText()).isEqualTo("Echo: why");
        // "Thinking about: why" 19 chars -> 5 tokens; "Echo: why" 9 chars -> 3 tokens
        assertThat(body.get("usage").get("completion_tokens_details").get("reasoning_tokens").asLong()).isEqualTo(5);
        assertThat(body.get("usage").get("completion_tokens").asLong()).isEqualTo(8);

        List<JsonNode> chunks = chunks(client.openAiStream(chat("gpt-4o", "why mock-answer:thinking", true)));
        StringBuilder reasoning = new StringBuilder();
        int lastReasoning = -1;
        int firstContent = -1;
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode delta = chunks.get(i).get("choices").get(0).get("delta");
            if (delta.has("reasoning_content")) {
                reasoning.append(delta.get("reasoning_content").asText());
                lastReasoning = i;
            }
            if (delta.hasNonNull("content") && !delta.get("content").asText().isEmpty() && firstContent < 0) {
                firstContent = i;
            }
        }
        assertThat(reasoning.toString()).isEqualTo("Thinking about: why");
        assertThat(lastReasoning).isLessThan(firstContent);
    }

    @Test
    void imagePartsAreAcceptedAndCountedInTheAnswer() {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is this\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\",\"detail\":\"low\"}}]}]}";
        assertThat(message(client.openAi("/v1/chat/completions", body)).get("message").get("content").asText())
                .isEqualTo("Echo: what is this [images: 2 (base64 image/png, url https://example.com/cat.jpg)]");
    }

    @Test
    void cacheDirectiveReportsCachedTokensInsidePromptTokens() {
        JsonNode usage = json(client.openAi("/v1/chat/completions",
                chat("gpt-4o", "hi mock-answer:cache-read=100,cache-write=20", false)).body()).get("usage");
        // the uncached part counts the text as sent, directive included
        long uncached = Prompt.tokens("Be brief.".length() + "hi mock-answer:cache-read=100,cache-write=20".length());
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asLong()).isEqualTo(100);
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(uncached + 100 + 20);
        assertThat(usage.get("total_tokens").asLong())
                .isEqualTo(usage.get("prompt_tokens").asLong() + usage.get("completion_tokens").asLong());

        String streaming = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi mock-answer:cache-read=100\"}]}";
        List<JsonNode> chunks = chunks(client.openAiStream(streaming));
        assertThat(chunks.getLast().get("usage").get("prompt_tokens_details").get("cached_tokens").asLong()).isEqualTo(100);
    }

    @Test
    void refusalFinishesWithContentFilter() {
        JsonNode choice = message(client.openAi("/v1/chat/completions", chat("gpt-4o", "bad mock-answer:refusal", false)));
        assertThat(choice.get("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(Prompt.REFUSAL_REPLY);

        List<JsonNode> chunks = chunks(client.openAiStream(chat("gpt-4o", "bad mock-answer:refusal", true)));
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("content_filter");
    }

    @Test
    void streamedMaxTokensStopFinishesWithLength() {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"max_completion_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a rather long question\"}]}";
        List<JsonNode> chunks = chunks(client.openAiStream(body));
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void headerAsksForAnAnswerAndTheDirectiveIsNotEchoed() {
        JsonNode msg = message(client.openAi("/v1/chat/completions", chat("gpt-4o", "plain", false),
                "x-mock-answer", "tools=1;with-text")).get("message");
        assertThat(msg.get("content").asText()).isEqualTo("Echo: plain");
        assertThat(msg.get("tool_calls")).hasSize(1);

        assertThat(message(client.openAi("/v1/chat/completions", chat("gpt-4o", "a mock-answer:thinking b", false)))
                .get("message").get("content").asText()).isEqualTo("Echo: a  b");
    }

    @Test
    void invalidAnswerDirectiveIs400NamingIt() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "x mock-answer:tools=99", false));
        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("message").asText()).contains("Invalid mock answer", "tools");
    }

    @Test
    void aTrailingAssistantMessageIsIgnoredSoARestartGivesTheWholeAnswer() {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"},"
                + "{\"role\":\"assistant\",\"content\":\"Echo: one\"}]}";
        assertThat(message(client.openAi("/v1/chat/completions", body)).get("message").get("content").asText())
                .isEqualTo("Echo: one two three");
    }

    @Test
    void sameRequestGivesTheSameTextAndToolCallsStreamedOrNot() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode msg = message(client.openAi("/v1/chat/completions",
                    chatWith(TOOLS, "same mock-answer:tools=2,with-text,thinking", false))).get("message");
            texts.add(msg.toString());
        }
        assertThat(texts.get(0)).isEqualTo(texts.get(1));
        StringBuilder streamed = new StringBuilder();
        for (JsonNode c : chunks(client.openAiStream(chatWith(TOOLS, "same mock-answer:tools=2,with-text,thinking", true)))) {
            JsonNode content = c.get("choices").get(0).get("delta").get("content");
            if (content != null && !content.isNull()) {
                streamed.append(content.asText());
            }
        }
        assertThat(streamed.toString()).isEqualTo(json(texts.get(0)).get("content").asText());
    }
}
