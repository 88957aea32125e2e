package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;

/** The last request per model, as received, for tests asserting what a relay sent upstream. */
class RecordedRequestTest {

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
    void lastRequestPerModelKeepsTheBodyAndHeadersAsReceived() {
        client.anthropic(messages("claude-haiku-4-5", "first", false), "anthropic-beta", "tools-2024");
        client.anthropic(messages("claude-haiku-4-5", "second", false));
        client.openAi("/v1/chat/completions", chat("gpt-4o", "other", false));

        MockCounts.Request last = mock.counts().lastRequest("claude-haiku-4-5").orElseThrow();
        assertThat(last.path()).isEqualTo("/v1/messages");
        assertThat(last.apiKey()).isEqualTo("mock-key");
        assertThat(last.body()).isEqualTo(messages("claude-haiku-4-5", "second", false));
        assertThat(last.headers()).containsEntry("anthropic-version", "2023-06-01").doesNotContainKey("anthropic-beta");
        assertThat(mock.counts().lastRequest("gpt-4o").orElseThrow().path()).isEqualTo("/v1/chat/completions");
        assertThat(mock.counts().lastRequest(null, null, null).orElseThrow().model()).isEqualTo("gpt-4o");
        assertThat(mock.counts().lastRequest("never-asked")).isEmpty();
    }

    @Test
    void requestsThatFailedAreRecordedToo() {
        client.openAi("/v1/chat/completions", chat("gpt-4o", "faulted", false), "x-mock-fault", "status=503");
        assertThat(mock.counts().lastRequest("gpt-4o").orElseThrow().body()).contains("faulted");
    }

    @Test
    void controlApiAnswersTheLastRequestWithItsBodyAsJson() {
        client.openAi("/v1/chat/completions", chat("gpt-4o", "hello", false), "x-trace", "t-1");

        HttpResponse<String> resp = client.get("/mock/requests/last?model=gpt-4o");
        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode last = json(resp.body());
        assertThat(last.get("path").asText()).isEqualTo("/v1/chat/completions");
        assertThat(last.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(last.get("apiKey").asText()).isEqualTo("mock-key");
        assertThat(last.get("headers").get("x-trace").asText()).isEqualTo("t-1");
        assertThat(last.get("body")).isEqualTo(json(chat("gpt-4o", "hello", false)));

        assertThat(client.get("/mock/requests/last?model=nope").statusCode()).isEqualTo(404);
        assertThat(client.get("/mock/requests/last?path=/v1/chat/completions&apiKey=mock-key").statusCode()).isEqualTo(200);
    }

    @Test
    void resettingCountsForgetsTheRecordedRequests() {
        client.openAi("/v1/chat/completions", chat("gpt-4o", "hello", false));
        assertThat(client.delete("/mock/counts").statusCode()).isEqualTo(204);
        assertThat(mock.counts().lastRequest("gpt-4o")).isEmpty();
        assertThat(client.get("/mock/requests/last?model=gpt-4o").statusCode()).isEqualTo(404);
    }
}
