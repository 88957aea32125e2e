package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;

class CountsTest {

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension(MockProviderOptions.defaults().withApiKeys("key-a", "key-b"));

    MockProvider mock;
    MockClient client;

    @BeforeEach
    void bind() {
        mock = MOCK.provider();
        client = MOCK.client();
    }

    @Test
    void countsByPathModelAndKey() {
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-b");
        client.post("/v1/chat/completions", chat("gpt-4o-mini", "x", true), "Authorization", "Bearer key-a");
        client.post("/v1/messages", messages("claude-haiku-4-5", "x", false), "x-api-key", "key-b");
        client.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}",
                "Authorization", "Bearer key-a");
        client.get("/v1/models", "Authorization", "Bearer key-a");

        MockCounts counts = mock.counts();
        assertThat(counts.total()).isEqualTo(6);
        assertThat(counts.byPath("/v1/chat/completions")).isEqualTo(3);
        assertThat(counts.byPath("/v1/messages")).isEqualTo(1);
        assertThat(counts.byPath("/v1/embeddings")).isEqualTo(1);
        assertThat(counts.byPath("/v1/models")).isEqualTo(1);
        assertThat(counts.byModel("gpt-4o")).isEqualTo(2);
        assertThat(counts.byKey("key-a")).isEqualTo(4);
        assertThat(counts.byKey("key-b")).isEqualTo(2);
        assertThat(counts.by("/v1/chat/completions", "gpt-4o", "key-b")).isEqualTo(1);
        assertThat(counts.by("/v1/chat/completions", null, "key-a")).isEqualTo(2);
        assertThat(counts.by(null, "claude-haiku-4-5", null)).isEqualTo(1);
    }

    @Test
    void unauthorizedFaultedAndMalformedRequestsAreCountedToo() {
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer intruder");
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false));
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a",
                "x-mock-fault", "status=503");
        client.post("/v1/chat/completions", "{broken", "Authorization", "Bearer key-a");

        MockCounts counts = mock.counts();
        assertThat(counts.byPath("/v1/chat/completions")).isEqualTo(4);
        assertThat(counts.byKey("intruder")).isEqualTo(1);
        assertThat(counts.byKey("")).as("no key sent").isEqualTo(1);
        assertThat(counts.by(null, "gpt-4o", "key-a")).isEqualTo(1);
        assertThat(counts.by(null, "", "key-a")).as("unparseable body has no model").isEqualTo(1);
    }

    @Test
    void pathsWithoutV1AreCountedUnderTheV1Path() {
        client.post("/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        assertThat(mock.counts().byPath("/v1/chat/completions")).isEqualTo(1);
    }

    @Test
    void healthAndControlCallsAreNotCounted() {
        client.get("/health");
        client.get("/mock/counts");
        client.get("/mock/faults");
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void resetCountsStartsAgainFromZero() {
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        mock.resetCounts();
        assertThat(mock.counts().total()).isZero();
        assertThat(mock.counts().byModel("gpt-4o")).isZero();
    }

    @Test
    void snapshotIsAFlatCopy() {
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        client.post("/v1/messages", messages("claude-haiku-4-5", "x", false), "x-api-key", "key-b");

        Map<String, Long> snapshot = mock.counts().snapshot();
        assertThat(snapshot).containsEntry("total", 2L)
                .containsEntry("path:/v1/chat/completions", 1L)
                .containsEntry("path:/v1/messages", 1L)
                .containsEntry("model:gpt-4o", 1L)
                .containsEntry("key:key-b", 1L);
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        assertThat(snapshot).containsEntry("total", 2L);
    }

    @Test
    void countsAreExposedAndResetOverHttp() {
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-a");
        client.post("/v1/chat/completions", chat("gpt-4o", "x", false), "Authorization", "Bearer key-b");

        JsonNode counts = json(client.get("/mock/counts").body());
        assertThat(counts.get("total").asLong()).isEqualTo(2);
        assertThat(counts.get("byPath").get("/v1/chat/completions").asLong()).isEqualTo(2);
        assertThat(counts.get("byModel").get("gpt-4o").asLong()).isEqualTo(2);
        assertThat(counts.get("byKey").get("key-a").asLong()).isEqualTo(1);
        assertThat(counts.get("entries")).hasSize(2);
        assertThat(counts.get("entries").get(0).get("count").asLong()).isEqualTo(1);

        assertThat(client.delete("/mock/counts").statusCode()).isEqualTo(204);
        assertThat(json(client.get("/mock/counts").body()).get("total").asLong()).isZero();
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void concurrentRequestsAreCountedExactly() {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String key = i % 2 == 0 ? "key-a" : "key-b";
            HttpRequest req = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-4o", "n" + i, i % 3 == 0)))
                    .build();
            inFlight.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            assertThat(f.join().statusCode()).isEqualTo(200);
        }
        assertThat(mock.counts().total()).isEqualTo(200);
        assertThat(mock.counts().byKey("key-a")).isEqualTo(100);
        assertThat(mock.counts().byKey("key-b")).isEqualTo(100);
    }
}
