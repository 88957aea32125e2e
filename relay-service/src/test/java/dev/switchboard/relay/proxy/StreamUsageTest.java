package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams are costed: the relay asks OpenAI upstreams for a final usage chunk and reads Anthropic's
 * message_start / message_delta usage; the tenant sees a usage chunk only when it asked for one.
 */
@QuarkusTest
class StreamUsageTest extends RelayTestBase {

    private static final String PROMPT = "please count the tokens of this streamed request for the bill";

    private String model;
    private String key;

    @BeforeEach
    void seed() {
        model = Fixture.unique("metered");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")), List.of(Fixture.model(model, "gpt-upstream"))),
                Fixture.provider(Fixture.unique("anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(model, "claude-upstream")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private String chat(boolean stream, String streamOptions) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + (streamOptions == null ? "" : ",\"stream_options\":" + streamOptions)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    }

    private Response post(String path, String body, String requestId) {
        return given().header("Authorization", "Bearer " + key).header("x-request-id", requestId)
                .header("anthropic-version", "2023-06-01").contentType("application/json").body(body)
                .when().post(path);
    }

    private static String rid() {
        return "rid-" + UUID.randomUUID();
    }

    @Test
    void openAiStreamIsCostedWithoutShowingTheClientAUsageChunkItDidNotAskFor() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        // the same request as JSON tells what the upstream counts
        JsonPath json = post("/v1/chat/completions", chat(false, null), rid()).then().statusCode(200).extract().jsonPath();
        long prompt = json.getLong("usage.prompt_tokens");
        long completion = json.getLong("usage.completion_tokens");
        assertThat(prompt).isPositive();

        String id = rid();
        Response r = post("/v1/chat/completions", chat(true, null), id);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString();
        assertThat(text).contains("\"chat.completion.chunk\"").doesNotContain("\"usage\":{")
                .doesNotContain("\"choices\":[]");
        assertThat(text.trim()).endsWith("data: [DONE]");

        UsageEvent e = fx.usageEvent(id, since);
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.promptTokens()).isEqualTo(prompt);
        assertThat(e.completionTokens()).isEqualTo(completion);
        assertThat(e.costUsd()).isPositive();
    }

    @Test
    void aClientThatAskedForUsageGetsTheUsageChunk() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        String id = rid();
        Response r = post("/v1/chat/completions", chat(true, "{\"include_usage\":true}"), id);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString();
        assertThat(text).contains("\"choices\":[]").contains("\"usage\":{");
        assertThat(text.trim()).endsWith("data: [DONE]");
        UsageEvent e = fx.usageEvent(id, since);
        assertThat(e.promptTokens()).isPositive();
        assertThat(e.completionTokens()).isPositive();
    }

    @Test
    void aClientThatSaidFalseIsStillCostedAndSeesNoUsageChunk() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        String id = rid();
        Response r = post("/v1/chat/completions", chat(true, "{\"include_usage\":false}"), id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).doesNotContain("\"usage\":{").contains("data: [DONE]");
        assertThat(fx.usageEvent(id, since).completionTokens()).isPositive();
    }

    @Test
    void anthropicStreamIsCostedFromMessageStartAndMessageDelta() throws Exception {
        long since = System.currentTimeMillis() - 1000;
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\""
                + PROMPT + "\"}]}";
        JsonPath json = post("/v1/messages", body.formatted("false"), rid()).then().statusCode(200).extract().jsonPath();
        long input = json.getLong("usage.input_tokens");
        long output = json.getLong("usage.output_tokens");
        assertThat(output).isGreaterThan(1);

        String id = rid();
        Response r = post("/v1/messages", body.formatted("true"), id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).contains("event: message_stop");
        UsageEvent e = fx.usageEvent(id, since);
        assertThat(e.promptTokens()).isEqualTo(input);
        assertThat(e.completionTokens()).isEqualTo(output);
        assertThat(e.costUsd()).isPositive();
    }
}
