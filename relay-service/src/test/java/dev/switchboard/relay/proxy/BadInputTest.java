package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BadInputTest extends RelayTestBase {

    private String model;
    private String key;

    @BeforeEach
    void seed() {
        model = Fixture.unique("bad-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream"))),
                Fixture.provider(Fixture.unique("anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "claude-upstream")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private Response post(String path, String contentType, String body) {
        return given().header("Authorization", "Bearer " + key).contentType(contentType).body(body).when().post(path);
    }

    @Test
    void invalidJsonIs400InOpenAiShape() {
        post("/v1/chat/completions", "application/json", "{\"model\": \"x\",").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("not valid JSON"));
    }

    @Test
    void invalidJsonIs400InAnthropicShapeOnMessages() {
        post("/v1/messages", "application/json", "not json").then().statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void missingModelIs400() {
        post("/v1/chat/completions", "application/json", "{\"messages\":[]}").then().statusCode(400)
                .body("error.message", containsString("'model'"));
    }

    @Test
    void nonStringModelIs400() {
        post("/v1/chat/completions", "application/json", "{\"model\":42,\"messages\":[]}").then().statusCode(400)
                .body("error.message", equalTo("'model' must be a string"));
    }

    @Test
    void unknownModelIs404() {
        post("/v1/chat/completions", "application/json", "{\"model\":\"no-such-model-xyz\",\"messages\":[]}")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("no-such-model-xyz"));
        post("/v1/messages", "application/json", "{\"model\":\"no-such-model-xyz\",\"max_tokens\":5,\"messages\":[]}")
                .then().statusCode(404).body("error.type", equalTo("not_found_error"));
    }

    @Test
    void streamingRequestForUnknownModelFailsBeforeAnyEvent() {
        Response r = post("/v1/chat/completions", "application/json",
                "{\"model\":\"no-such-model-xyz\",\"stream\":true,\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.asString()).doesNotContain("data:");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"model\":\"" + model + "\",\"pad\":\"" + "x".repeat(10 * 1024 * 1024 + 10) + "\"}";
        post("/v1/chat/completions", "application/json", big).then().statusCode(413)
                .body("error.code", equalTo("request_too_large"));
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void wrongContentTypeIs415() {
        post("/v1/chat/completions", "text/plain", "{\"model\":\"" + model + "\"}").then().statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"));
        post("/v1/messages", "application/x-www-form-urlencoded", "model=x").then().statusCode(415)
                .body("type", equalTo("error"));
    }

    @Test
    void embeddingsCannotStream() {
        post("/v1/embeddings", "application/json", "{\"model\":\"" + model + "\",\"input\":\"a\",\"stream\":true}")
                .then().statusCode(400);
    }

    @Test
    void upstream400IsRelayedUnchangedWithoutFailover() {
        // the mock refuses a chat request without messages: the request itself is bad, nothing to fail over
        Response r = post("/v1/chat/completions", "application/json", "{\"model\":\"" + model + "\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(mock.counts().by("/v1/chat/completions", null, null)).isEqualTo(1);
    }
}
