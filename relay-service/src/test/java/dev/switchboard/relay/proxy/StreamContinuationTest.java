package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream that breaks after its first byte reached the client is continued on the next candidate (issue
 * "failover that survives every upstream fault", behaviour 5): the client sees one stream with the whole
 * answer, or an explicit error naming the original failure, never the fallback's prefill rejection.
 * The mock answers {@code Echo: <user text>} word by word; {@code cut-after=3} closes after the role chunk
 * and two words.
 */
@QuarkusTest
class StreamContinuationTest extends RelayTestBase {

    private static final String ANSWER = "Echo: tell me a story";

    private record Pool(String name, String primaryModel, String fallbackModel, String key) {
    }

    /** {@code [primary (protocol p), fallback (protocol f)]}, each on its own provider. */
    private Pool pool(String p, String f) {
        String pool = Fixture.unique("sc-pool");
        String model = Fixture.unique("sc-model");
        String up1 = Fixture.unique("up-sc-1");
        String up2 = Fixture.unique("up-sc-2");
        ProviderSnapshot a = Fixture.withTimeouts(Fixture.provider(Fixture.unique("sc-a"), p, mock.baseUrl(),
                List.of(Fixture.providerKey("a1", "up-a")), List.of(Fixture.model(model, up1))),
                new ProviderSnapshot.Timeouts(2_000, 10_000, 700, 10_000));
        ProviderSnapshot b = Fixture.provider(Fixture.unique("sc-b"), f, mock.baseUrl(),
                List.of(Fixture.providerKey("b1", "up-b")), List.of(Fixture.model(model, up2)));
        fx.publish(List.of(a, b), List.of(Fixture.pool(pool, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(a.id(), model, 1, 1, true),
                new PoolSnapshot.Member(b.id(), model, 2, 1, true)))), List.of(), List.of());
        return new Pool(pool, up1, up2, fx.tenant());
    }

    private Response chat(Pool p) {
        return given().header("Authorization", "Bearer " + p.key()).contentType("application/json")
                .body("{\"model\":\"" + p.name() + "\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}")
                .when().post("/v1/chat/completions");
    }

    private Response messages(Pool p) {
        return given().header("x-api-key", p.key()).header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"" + p.name() + "\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}")
                .when().post("/v1/messages");
    }

    private long calls(String path, String upstreamModel) {
        return mock.counts().by(path, upstreamModel, null);
    }

    private List<JsonNode> events(String sse) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(mapper.readTree(line.substring(6)));
            }
        }
        return out;
    }

    private String openAiText(List<JsonNode> chunks) {
        StringBuilder b = new StringBuilder();
        chunks.forEach(c -> b.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        return b.toString();
    }

    private void assertOneOpenAiStream(String sse, List<JsonNode> chunks) {
        assertThat(sse).doesNotContain("\"error\"");
        assertThat(sse.trim()).endsWith("data: [DONE]");
        assertThat(sse.split("\"role\":\"assistant\"", -1)).as("one opening").hasSize(2);
        assertThat(chunks.stream().map(c -> c.path("id").asText()).distinct()).as("one id").hasSize(1);
        assertThat(chunks.stream().filter(c -> c.path("choices").path(0).path("finish_reason").isTextual()))
                .as("one finish").hasSize(1);
    }

    @Test
    void aCutOpenAiStreamIsContinuedOnAnAnthropicFallbackWithThePrefill() throws Exception {
        Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
        mock.addFault(new FaultRule(null, p.primaryModel(), "cut-after=3", -1));
        Response r = chat(p);
        assertThat(r.statusCode()).isEqualTo(200);
        String sse = r.asString();
        List<JsonNode> chunks = events(sse);
        assertOneOpenAiStream(sse, chunks);
        assertThat(openAiText(chunks)).as("the prefill continued, nothing repeated").isEqualTo(ANSWER);
        assertThat(calls("/v1/chat/completions", p.primaryModel())).isEqualTo(1);
        assertThat(calls("/v1/messages", p.fallbackModel())).isEqualTo(1);
    }

    @Test
    void withoutPrefillTheRestartedAnswerIsSplicedAfterTheTextAlreadySent() throws Exception {
        Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.OPENAI);
        mock.addFault(new FaultRule(null, p.primaryModel(), "cut-after=3", -1));
        Response r = chat(p);
        String sse = r.asString();
        List<JsonNode> chunks = events(sse);
        assertOneOpenAiStream(sse, chunks);
        assertThat(openAiText(chunks)).as("the restarted answer's prefix dropped").isEqualTo(ANSWER);
        assertThat(calls("/v1/chat/completions", p.fallbackModel())).isEqualTo(1);
    }

    @Test
    void aStalledAnthropicStreamIsContinuedAsOneMessage() throws Exception {
        Pool p = pool(ProviderSnapshot.ANTHROPIC, ProviderSnapshot.ANTHROPIC);
        mock.addFault(new FaultRule(null, p.primaryModel(), "stall-after=4;stall=5000", -1));
        long t0 = System.nanoTime();
        Response r = messages(p);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        String sse = r.asString();
        assertThat(sse).doesNotContain("event: error");
        assertThat(sse.split("event: message_start", -1)).as("one message_start").hasSize(2);
        assertThat(sse.split("event: message_stop", -1)).as("one message_stop").hasSize(2);
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events(sse)) {
            if ("content_block_delta".equals(e.path("type").asText())) {
                assertThat(e.path("index").asInt()).as("the text block goes on at its index").isZero();
                text.append(e.path("delta").path("text").asText(""));
            }
        }
        assertThat(text.toString()).isEqualTo(ANSWER);
        assertThat(calls("/v1/messages", p.fallbackModel())).isEqualTo(1);
        assertThat(ms).as("continued at the 0.7 s idle timeout, not after the 5 s stall").isLessThan(4_000);
    }

    @Test
    void aFallbackThatRejectsThePrefillEndsTheStreamWithTheOriginalFailure() throws Exception {
        Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
        mock.addFault(new FaultRule(null, p.primaryModel(), "cut-after=3", -1));
        mock.addFault(new FaultRule(null, p.fallbackModel(), "no-prefill", -1));
        Response r = chat(p);
        assertThat(r.statusCode()).isEqualTo(200);
        String sse = r.asString();
        List<JsonNode> chunks = events(sse);
        JsonNode last = chunks.getLast();
        assertThat(last.path("error").path("code").asText()).isEqualTo("upstream_stream_interrupted");
        assertThat(sse).as("never the fallback's prefill rejection").doesNotContainIgnoringCase("prefill");
        assertThat(sse).doesNotContain("[DONE]");
        assertThat(openAiText(chunks)).isEqualTo("Echo: tell");
        assertThat(calls("/v1/messages", p.fallbackModel())).isEqualTo(1);
    }

    @Test
    void aStreamThatSentAToolCallIsNotContinued() throws Exception {
        Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
        mock.addFault(new FaultRule(null, p.primaryModel(), "cut-after=3", -1));
        Response r = given().header("Authorization", "Bearer " + p.key()).contentType("application/json")
                .body("{\"model\":\"" + p.name() + "\",\"stream\":true,\"tools\":[{\"type\":\"function\",\"function\":"
                        + "{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"mock-answer:tools=1 find it\"}]}")
                .when().post("/v1/chat/completions");
        String sse = r.asString();
        assertThat(events(sse).getLast().path("error").path("code").asText()).isEqualTo("upstream_stream_interrupted");
        assertThat(calls("/v1/messages", p.fallbackModel())).isZero();
    }

    @Test
    void anUnreadableEventAfterTheCommitIsDroppedAndTheStreamGoesOn() throws Exception {
        for (String spec : new String[] {"bad-event=3", "bad-event=3;chunk-delay=20"}) {
            Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
            mock.addFault(new FaultRule(null, p.primaryModel(), spec, -1));
            Response r = chat(p);
            String sse = r.asString();
            assertThat(sse).as(spec).doesNotContain("\"content\n").doesNotContain("\"error\"");
            List<JsonNode> chunks = events(sse);
            assertOneOpenAiStream(sse, chunks);
            assertThat(openAiText(chunks)).as(spec).isEqualTo(ANSWER);
            assertThat(calls("/v1/messages", p.fallbackModel())).as("not continued: nothing broke").isZero();
        }
    }

    @Test
    void anInBandErrorAfterTheCommitIsHeldBackAndTheStreamContinued() throws Exception {
        for (String spec : new String[] {"error-after=3;status=500", "error-after=3;status=500;chunk-delay=20"}) {
            Pool p = pool(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
            mock.addFault(new FaultRule(null, p.primaryModel(), spec, -1));
            Response r = chat(p);
            String sse = r.asString();
            List<JsonNode> chunks = events(sse);
            assertOneOpenAiStream(sse, chunks);
            assertThat(openAiText(chunks)).as(spec).isEqualTo(ANSWER);
            assertThat(calls("/v1/messages", p.fallbackModel())).as(spec).isEqualTo(1);
        }
    }

    @Test
    void anInBandErrorWithNothingToContinueOnEndsWithTheRelaysErrorEvent() throws Exception {
        Pool p = pool(ProviderSnapshot.ANTHROPIC, ProviderSnapshot.ANTHROPIC);
        mock.addFault(new FaultRule(null, null, "error-after=4", -1));
        Response r = messages(p);
        String sse = r.asString();
        assertThat(sse).doesNotContain("event: message_stop");
        assertThat(sse.split("event: error", -1)).as("exactly one error event").hasSize(2);
        assertThat(events(sse).getLast().path("error").path("code").asText()).isEqualTo("upstream_stream_error");
    }
}
