package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MessagesAndEmbeddingsTest extends RelayTestBase {

    private String model;
    private String embedModel;
    private String openai;
    private String anthropic;
    private String key;

    @BeforeEach
    void seed() {
        model = Fixture.unique("claude");
        embedModel = Fixture.unique("embed");
        openai = Fixture.unique("openai");
        anthropic = Fixture.unique("anthropic");
        fx.publish(List.of(
                // the same model name on both: the protocol of the endpoint picks the provider
                Fixture.provider(openai, ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")),
                        List.of(Fixture.model(model, "oai-upstream"), Fixture.model(embedModel, "text-embedding-3-small"))),
                Fixture.provider(anthropic, ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(model, "claude-upstream")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private String message(boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void messagesJsonGoesToTheAnthropicProviderWithItsKeyHeader() {
        given().header("x-api-key", key).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body(message(false))
                .when().post("/v1/messages")
                .then().statusCode(200)
                .header("x-switchboard-provider", anthropic)
                .body("type", equalTo("message"))
                .body("role", equalTo("assistant"));
        assertThat(mock.counts().by("/v1/messages", "claude-upstream", "up-b")).isEqualTo(1);
        assertThat(mock.counts().byPath("/v1/chat/completions")).isZero();
    }

    @Test
    void messagesStreamEndsWithMessageStop() {
        Response r = given().header("x-api-key", key).contentType("application/json").body(message(true))
                .when().post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        String text = r.asString();
        assertThat(text).contains("event: message_start").contains("event: content_block_delta");
        assertThat(text.trim()).endsWith("data: {\"type\":\"message_stop\"}");
    }

    @Test
    void chatOnTheSameNameUsesTheOpenAiProviderFirstAndExplainMarksTheAnthropicOneTranslated() {
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions")
                .then().statusCode(200).header("x-switchboard-provider", openai);
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\"}")
                .when().post("/v1/route/explain")
                .then().statusCode(200)
                .body("candidates.size()", equalTo(2))
                .body("candidates[0].provider", equalTo(openai))
                .body("candidates[0].translated", equalTo(null))
                .body("candidates[1].provider", equalTo(anthropic))
                .body("candidates[1].translated", equalTo("openai->anthropic"));
    }

    @Test
    void embeddingsAreForwarded() {
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + embedModel + "\",\"input\":[\"a\",\"b\"]}")
                .when().post("/v1/embeddings")
                .then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.size()", equalTo(2))
                .body("data[0].embedding.size()", greaterThan(0));
        assertThat(mock.counts().by("/v1/embeddings", "text-embedding-3-small", "up-a")).isEqualTo(1);
    }
}
