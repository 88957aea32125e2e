package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chat endpoint served by a candidate of the other protocol: the request goes upstream in the upstream's
 * dialect, the answer (JSON, stream, error) comes back in the client's, marked {@code x-switchboard-translated}.
 */
@QuarkusTest
class TranslationTest extends RelayTestBase {

    private String claudeOnly;
    private String gptOnly;
    private String key;

    @BeforeEach
    void seed() {
        claudeOnly = Fixture.unique("tr-claude");
        gptOnly = Fixture.unique("tr-gpt");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("tr-anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(claudeOnly, "claude-3-5-haiku"))),
                Fixture.provider(Fixture.unique("tr-openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")), List.of(Fixture.model(gptOnly, "gpt-4o-mini")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private Response chat(String model, String extra) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\"" + extra
                        + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when().post("/v1/chat/completions");
    }

    private Response messages(String model, String extra) {
        return given().header("x-api-key", key).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"max_tokens\":64" + extra
                        + ",\"system\":\"Be brief\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .when().post("/v1/messages");
    }

    @Test
    void openAiChatIsServedByAnAnthropicProviderInTheOpenAiShape() throws Exception {
        Response r = chat(claudeOnly, "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-translated")).isEqualTo("openai->anthropic");
        JsonNode doc = mapper.readTree(r.asString());
        assertThat(doc.path("object").asText()).isEqualTo("chat.completion");
        assertThat(doc.path("model").asText()).isEqualTo(claudeOnly);
        assertThat(doc.path("choices").path(0).path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(doc.path("choices").path(0).path("message").path("content").asText()).isNotBlank();
        assertThat(doc.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(doc.path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(mock.counts().by("/v1/messages", "claude-3-5-haiku", "up-b")).isEqualTo(1);
        assertThat(mock.counts().by("/v1/chat/completions", "claude-3-5-haiku", "up-b")).isZero();
    }

    @Test
    void openAiStreamFromAnAnthropicProviderIsChunksEndingWithDone() {
        Response r = chat(claudeOnly, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-translated")).isEqualTo("openai->anthropic");
        List<String> data = dataLines(r.asString());
        assertThat(r.asString()).doesNotContain("event:");
        assertThat(data.get(0)).contains("\"role\":\"assistant\"").contains("\"chat.completion.chunk\"");
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data.stream().filter(d -> d.contains("\"finish_reason\":\"stop\"")).count()).isEqualTo(1);
        String usage = data.get(data.size() - 2);
        assertThat(usage).contains("\"choices\":[]").contains("\"prompt_tokens\"");
    }

    @Test
    void anthropicMessagesAreServedByAnOpenAiProviderInTheAnthropicShape() throws Exception {
        Response r = messages(gptOnly, "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-switchboard-translated")).isEqualTo("anthropic->openai");
        JsonNode doc = mapper.readTree(r.asString());
        assertThat(doc.path("type").asText()).isEqualTo("message");
        assertThat(doc.path("model").asText()).isEqualTo(gptOnly);
        assertThat(doc.path("content").path(0).path("type").asText()).isEqualTo("text");
        assertThat(doc.path("content").path(0).path("text").asText()).isNotBlank();
        assertThat(doc.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(doc.path("usage").path("input_tokens").asLong()).isPositive();
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-4o-mini", "up-a")).isEqualTo(1);
    }

    @Test
    void anthropicStreamFromAnOpenAiProviderHasOneMessageStartAndEndsWithMessageStop() {
        Response r = messages(gptOnly, ",\"stream\":true");
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.asString();
        assertThat(text).doesNotContain("[DONE]");
        assertThat(text.split("event: message_start", -1)).hasSize(2);
        assertThat(text).contains("event: content_block_start").contains("event: content_block_delta")
                .contains("event: content_block_stop").contains("event: message_delta");
        assertThat(text.trim()).endsWith("data: {\"type\":\"message_stop\"}");
    }

    @Test
    void aFieldTheUpstreamCannotHonourIsA400NamingItBeforeAnyUpstreamCall() throws Exception {
        Response r = chat(claudeOnly, ",\"n\":2");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode doc = mapper.readTree(r.asString());
        assertThat(doc.path("error").path("param").asText()).isEqualTo("n");
        assertThat(doc.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(mock.counts().by("/v1/messages", "claude-3-5-haiku", "up-b")).isZero();
    }

    @Test
    void anUpstreamErrorReachesTheClientInItsOwnShape() throws Exception {
        mock.addFault(new FaultRule("up-b", "claude-3-5-haiku", "status=400", -1));
        Response r = chat(claudeOnly, "");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode doc = mapper.readTree(r.asString());
        assertThat(doc.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(doc.has("type")).as("not the Anthropic envelope").isFalse();
        assertThat(doc.path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void countTokensIsPassedToAnAnthropicCandidateAndEstimatedForAnOpenAiOne() throws Exception {
        String body = "{\"model\":\"%s\",\"system\":\"Be brief\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there world\"}]}";
        Response counted = given().header("x-api-key", key).contentType("application/json")
                .body(body.formatted(claudeOnly)).when().post("/v1/messages/count_tokens");
        assertThat(counted.statusCode()).isEqualTo(200);
        assertThat(counted.header("x-switchboard-token-count")).isNull();
        assertThat(mapper.readTree(counted.asString()).path("input_tokens").asLong()).isPositive();
        assertThat(mock.counts().by("/v1/messages/count_tokens", "claude-3-5-haiku", "up-b")).isEqualTo(1);

        Response estimated = given().header("x-api-key", key).contentType("application/json")
                .body(body.formatted(gptOnly)).when().post("/v1/messages/count_tokens");
        assertThat(estimated.statusCode()).isEqualTo(200);
        assertThat(estimated.header("x-switchboard-token-count")).isEqualTo("estimate");
        assertThat(mapper.readTree(estimated.asString()).path("input_tokens").asLong()).isPositive();
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-4o-mini", "up-a")).isZero();
    }

    @Test
    void embeddingsAreNeverTranslated() throws Exception {
        Response r = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + claudeOnly + "\",\"input\":\"x\"}").when().post("/v1/embeddings");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.asString()).contains("protocol_mismatch");
    }

    private static List<String> dataLines(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }
}
