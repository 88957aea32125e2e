package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChatCompletionsTest extends RelayTestBase {

    private String model;
    private String key;

    @BeforeEach
    void seed() {
        model = Fixture.unique("chat");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private String body(boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void servesJsonCompletionAndNamesWhoServedIt() {
        given().header("Authorization", "Bearer " + key).contentType("application/json").body(body(false))
                .when().post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-switchboard-model", model)
                .header("x-switchboard-attempts", "1")
                .header("x-request-id", notNullValue())
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.role", equalTo("assistant"));
        // the upstream saw its own model name and key, once
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-upstream", "up-a")).isEqualTo(1);
        assertThat(mock.counts().total()).isEqualTo(1);
    }

    @Test
    void keepsASaneClientRequestIdAndReplacesAnInsaneOne() {
        given().header("Authorization", "Bearer " + key).header("x-request-id", "abc-123_x.y")
                .contentType("application/json").body(body(false))
                .when().post("/v1/chat/completions")
                .then().statusCode(200).header("x-request-id", "abc-123_x.y");
        String replaced = given().header("Authorization", "Bearer " + key).header("x-request-id", "bad id; drop table")
                .contentType("application/json").body(body(false))
                .when().post("/v1/chat/completions")
                .then().statusCode(200).extract().header("x-request-id");
        assertThat(replaced).isNotEqualTo("bad id; drop table").matches("[A-Za-z0-9._-]{1,64}");
    }

    @Test
    void streamsServerSentEventsEndingWithDone() {
        Response r = given().header("Authorization", "Bearer " + key).contentType("application/json").body(body(true))
                .when().post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        assertThat(r.header("x-switchboard-model")).isEqualTo(model);
        String text = r.asString();
        assertThat(text).contains("\"chat.completion.chunk\"");
        assertThat(text.trim()).endsWith("data: [DONE]");
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-upstream", "up-a")).isEqualTo(1);
    }

    @Test
    void anthropicStyleKeyHeaderIsAcceptedToo() {
        given().header("x-api-key", key).contentType("application/json").body(body(false))
                .when().post("/v1/chat/completions")
                .then().statusCode(200);
        given().header("x-goog-api-key", key).contentType("application/json").body(body(false))
                .when().post("/v1/chat/completions")
                .then().statusCode(200);
    }
}
