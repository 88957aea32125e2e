package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiEndpointsTest {

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
    void chatCompletionEchoesModelAndLastUserMessageWithUsage() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hello there world", false));

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(resp.headers().firstValueAsLong("content-length")).hasValue(resp.body().getBytes().length);
        JsonNode body = json(resp.body());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Echo: hello there world");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        // input "Be brief." (9) + "hello there world" (17) = 26 chars -> 7 tokens; output 23 chars -> 6 tokens
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).isEqualTo(7);
        assertThat(usage.get("completion_tokens").asLong()).isEqualTo(6);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(13);
    }

    @Test
    void sameRequestGivesSameContent() {
        String a = json(client.openAi("/v1/chat/completions", chat("m", "repeat me", false)).body())
                .get("choices").get(0).get("message").get("content").asText();
        String b = json(client.openAi("/v1/chat/completions", chat("m", "repeat me", false)).body())
                .get("choices").get(0).get("message").get("content").asText();
        assertThat(a).isEqualTo(b).isEqualTo("Echo: repeat me");
    }

    @Test
    void contentPartsArrayIsReadAsText() {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"text\",\"text\":\"part two\"}]}]}";
        JsonNode resp = json(client.openAi("/v1/chat/completions", body).body());
        assertThat(resp.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Echo: part one part two");
    }

    @Test
    void maxTokensTruncatesTheReplyWithFinishReasonLength() {
        String body = "{\"model\":\"gpt-4o\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"a rather long question that needs many tokens\"}]}";
        JsonNode resp = json(client.openAi("/v1/chat/completions", body).body());
        assertThat(resp.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Echo: a ");
        assertThat(resp.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(resp.get("usage").get("completion_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void successCarriesRateLimitHeaders() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false));
        assertThat(resp.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9999");
        assertThat(resp.headers().firstValue("x-ratelimit-limit-requests")).hasValue("10000");
        assertThat(resp.headers().firstValueAsLong("x-ratelimit-remaining-tokens").orElseThrow()).isPositive();
        assertThat(resp.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void streamSendsRoleChunkContentChunksFinishAndDone() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "one two three", true));

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.failure()).isNull();
        assertThat(result.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> data = result.data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(MockClient::json).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(c.has("usage")).isFalse();
        });
        assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode content = c.get("choices").get(0).get("delta").get("content");
            if (content != null) {
                text.append(content.asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Echo: one two three");
        assertThat(chunks.size()).isEqualTo(6); // role, 4 words, finish
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamWithIncludeUsageEndsWithUsageChunk() {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count these tokens\"}]}";
        List<String> data = client.openAiStream(body).data();

        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode usageChunk = json(data.get(data.size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.get("usage").get("prompt_tokens").asLong()).isEqualTo(5); // 18 chars
        assertThat(usageChunk.get("usage").get("completion_tokens").asLong()).isEqualTo(6); // 24 chars
        JsonNode earlier = json(data.getFirst());
        assertThat(earlier.get("usage").isNull()).isTrue();
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsPerInput() {
        String body = "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\",\"alpha\"],\"dimensions\":16}";
        HttpResponse<String> resp = client.openAi("/v1/embeddings", body);

        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode json = json(resp.body());
        assertThat(json.get("object").asText()).isEqualTo("list");
        assertThat(json.get("model").asText()).isEqualTo("text-embedding-3-small");
        JsonNode data = json.get("data");
        assertThat(data).hasSize(3);
        assertThat(data.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(data.get(0).get("embedding")).hasSize(16);
        assertThat(data.get(0).get("embedding")).isEqualTo(data.get(2).get("embedding"));
        assertThat(data.get(0).get("embedding")).isNotEqualTo(data.get(1).get("embedding"));
        double norm = 0;
        for (JsonNode v : data.get(1).get("embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(json.get("usage").get("prompt_tokens").asLong()).isEqualTo(4); // 14 chars

        String again = client.openAi("/v1/embeddings",
                "{\"model\":\"x\",\"input\":\"alpha\",\"dimensions\":16}").body();
        assertThat(json(again).get("data").get(0).get("embedding")).isEqualTo(data.get(0).get("embedding"));
    }

    @Test
    void embeddingsDefaultDimensionAndBase64Encoding() {
        JsonNode plain = json(client.openAi("/v1/embeddings", "{\"model\":\"e\",\"input\":\"gamma\"}").body());
        assertThat(plain.get("data").get(0).get("embedding")).hasSize(MockHandler.DEFAULT_DIMENSIONS);

        JsonNode b64 = json(client.openAi("/v1/embeddings",
                "{\"model\":\"e\",\"input\":\"gamma\",\"encoding_format\":\"base64\"}").body());
        byte[] raw = Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText());
        ByteBuffer floats = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.length).isEqualTo(4 * MockHandler.DEFAULT_DIMENSIONS);
        assertThat(floats.getFloat(0)).isEqualTo((float) plain.get("data").get(0).get("embedding").get(0).asDouble());
    }

    @Test
    void embeddingsWithoutInputAre400() {
        HttpResponse<String> resp = client.openAi("/v1/embeddings", "{\"model\":\"e\"}");
        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void modelsListsOpenAiModels() {
        HttpResponse<String> resp = client.get("/v1/models", "Authorization", "Bearer mock-key");
        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode json = json(resp.body());
        assertThat(json.get("object").asText()).isEqualTo("list");
        assertThat(json.get("data").get(0).get("object").asText()).isEqualTo("model");
        assertThat(json.get("data").findValuesAsText("id")).contains("gpt-4o", "mock-model");
    }

    @Test
    void pathsWithoutV1PrefixAreServedToo() {
        HttpResponse<String> resp = client.openAi("/chat/completions", chat("gpt-4o", "no prefix", false));
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(json(resp.body()).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo("Echo: no prefix");
    }

    @Test
    void missingKeyIs401WithOpenAiErrorBody() {
        HttpResponse<String> resp = client.post("/v1/chat/completions", chat("gpt-4o", "hi", false));
        assertThat(resp.statusCode()).isEqualTo(401);
        JsonNode error = json(resp.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void wrongKeyIs401OnEveryOpenAiEndpoint() {
        String[] auth = {"Authorization", "Bearer not-the-key"};
        assertThat(client.post("/v1/chat/completions", chat("gpt-4o", "hi", false), auth).statusCode()).isEqualTo(401);
        assertThat(client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}", auth).statusCode()).isEqualTo(401);
        assertThat(client.get("/v1/models", auth).statusCode()).isEqualTo(401);
    }

    @Test
    void anotherConfiguredKeyIsAccepted() {
        try (MockProvider two = MockProvider.start(MockProviderOptions.defaults().withApiKeys("key-a", "key-b"))) {
            MockClient c = new MockClient(two);
            assertThat(c.post("/v1/chat/completions", chat("m", "x", false), "Authorization", "Bearer key-b")
                    .statusCode()).isEqualTo(200);
            assertThat(c.post("/v1/chat/completions", chat("m", "x", false), "Authorization", "Bearer mock-key")
                    .statusCode()).isEqualTo(401);
        }
    }

    @Test
    void invalidJsonIs400() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", "{not json");
        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(json(resp.body()).get("error").get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void missingModelOrMessagesIs400() {
        assertThat(client.openAi("/v1/chat/completions", "{\"messages\":[]}").statusCode()).isEqualTo(400);
        HttpResponse<String> noMessages = client.openAi("/v1/chat/completions", "{\"model\":\"gpt-4o\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages.body()).get("error").get("message").asText()).contains("messages");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        assertThat(client.openAi("/v1/completions", "{}").statusCode()).isEqualTo(404);
        assertThat(client.get("/v1/chat/completions", "Authorization", "Bearer mock-key").statusCode()).isEqualTo(405);
    }

    @Test
    void healthIsUp() {
        HttpResponse<String> resp = client.get("/health");
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(json(resp.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void baseUrlNamesTheLoopbackPort() {
        assertThat(mock.port()).isPositive();
        assertThat(mock.baseUrl()).isEqualTo("http://127.0.0.1:" + mock.port());
    }
}
