package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} against the mock: passed through to a provider with the Responses API, translated for a
 * chat-completions or an Anthropic provider, with failover, usage, tool round trips and the stateless refusals.
 */
@QuarkusTest
class ResponsesEndpointTest extends RelayTestBase {

    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    private String passModel;
    private String chatModel;
    private String claudeModel;
    private String failoverModel;
    private String chatProvider;
    private String key;

    @BeforeEach
    void seed() {
        passModel = Fixture.unique("r-pass");
        chatModel = Fixture.unique("r-chat");
        claudeModel = Fixture.unique("r-claude");
        failoverModel = Fixture.unique("r-fo");
        chatProvider = Fixture.unique("r-openai-chat");
        ProviderSnapshot responses = responsesApi(Fixture.provider(Fixture.unique("r-openai-resp"), ProviderSnapshot.OPENAI,
                mock.baseUrl(), List.of(Fixture.providerKey("r", "up-a")),
                List.of(Fixture.model(passModel, "gpt-resp-up"), Fixture.model(failoverModel, "fo-resp-up"))));
        ProviderSnapshot chat = Fixture.provider(chatProvider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("c", "up-b")),
                List.of(Fixture.model(chatModel, "gpt-chat-up"), Fixture.model(failoverModel, "fo-chat-up")));
        ProviderSnapshot claude = Fixture.provider(Fixture.unique("r-anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                List.of(Fixture.providerKey("a", "up-c")), List.of(Fixture.model(claudeModel, "claude-up")));
        fx.publish(List.of(responses, chat, claude), List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private static ProviderSnapshot responsesApi(ProviderSnapshot p) {
        return new ProviderSnapshot(p.id(), p.name(), p.protocol(), p.baseUrl(), p.enabled(), p.timeouts(), p.headers(),
                p.keys(), p.models(), p.failoverRules(), true);
    }

    private Response post(String body) {
        return post(body, "rid-" + UUID.randomUUID());
    }

    private Response post(String body, String requestId) {
        return given().header("Authorization", "Bearer " + key).header("x-request-id", requestId)
                .contentType("application/json").body(body).when().post("/v1/responses");
    }

    private static String request(String model, boolean stream, String extra, String input) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + (extra.isEmpty() ? "" : "," + extra)
                + ",\"input\":" + input + "}";
    }

    private JsonNode json(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return mapper.readTree(r.asString());
    }

    /** The SSE events of a stream, each as its tree, checking the framing: event name = type, sequence 0, 1, 2, … */
    private List<JsonNode> events(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        List<JsonNode> out = new ArrayList<>();
        for (String block : r.asString().split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            JsonNode e = mapper.readTree(lines[1].substring("data: ".length()));
            assertThat(e.get("type").asText()).isEqualTo(lines[0].substring(7));
            assertThat(e.get("sequence_number").asLong()).isEqualTo(out.size());
            out.add(e);
        }
        assertThat(r.asString()).doesNotContain("[DONE]");
        return out;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    private static String outputText(JsonNode response) {
        StringBuilder b = new StringBuilder();
        for (JsonNode item : response.get("output")) {
            if (item.get("type").asText().equals("message")) {
                item.get("content").forEach(p -> b.append(p.get("text").asText()));
            }
        }
        return b.toString();
    }

    @Test
    void aResponsesCapableProviderGetsTheRequestPassedThroughWithStoreFalse() throws Exception {
        JsonNode r = json(post(request(passModel, false, "\"store\":true,\"instructions\":\"be brief\"", "\"hello there\"")));

        assertThat(r.get("object").asText()).isEqualTo("response");
        assertThat(outputText(r)).isEqualTo("Echo: hello there");
        assertThat(mock.counts().by("/v1/responses", "gpt-resp-up", "up-a")).isEqualTo(1);
        assertThat(mock.counts().byPath("/v1/chat/completions")).isZero();
        JsonNode sent = mapper.readTree(mock.counts().lastRequest("gpt-resp-up").orElseThrow().body());
        assertThat(sent.get("store").asBoolean()).isFalse();
        assertThat(sent.get("instructions").asText()).isEqualTo("be brief");
    }

    @Test
    void aPassedThroughStreamReachesTheClientAsTheUpstreamSentIt() throws Exception {
        Response resp = post(request(passModel, true, "", "\"one two three\""));
        List<JsonNode> events = events(resp);

        assertThat(resp.header("x-switchboard-translated")).isNull();
        assertThat(types(events).getFirst()).isEqualTo("response.created");
        assertThat(types(events).getLast()).isEqualTo("response.completed");
        assertThat(outputText(events.getLast().get("response"))).isEqualTo("Echo: one two three");
    }

    @Test
    void aChatCompletionsProviderServesItTranslatedWithAResponseObject() throws Exception {
        Response resp = post(request(chatModel, false, "\"metadata\":{\"t\":\"1\"}",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi chat\"}]}]"));
        JsonNode r = json(resp);

        assertThat(resp.header("x-switchboard-translated")).isEqualTo("openai-responses->openai");
        assertThat(r.get("id").asText()).startsWith("resp_");
        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(r.get("model").asText()).isEqualTo(chatModel);
        assertThat(r.get("store").asBoolean()).isFalse();
        assertThat(r.get("metadata").get("t").asText()).isEqualTo("1");
        assertThat(outputText(r)).isEqualTo("Echo: hi chat");
        assertThat(r.get("usage").get("input_tokens").asLong()).isPositive();
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-chat-up", "up-b")).isEqualTo(1);
    }

    @Test
    void aTranslatedChatStreamIsTheResponsesEventSequence() throws Exception {
        List<JsonNode> events = events(post(request(chatModel, true, "", "\"stream me please\"")));

        assertThat(types(events)).containsSubsequence("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        JsonNode done = events.getLast().get("response");
        assertThat(outputText(done)).isEqualTo("Echo: stream me please");
        assertThat(done.get("usage").get("output_tokens").asLong()).isPositive();
        String itemId = events.get(2).get("item").get("id").asText();
        events.stream().filter(e -> e.has("item_id")).forEach(e -> assertThat(e.get("item_id").asText()).isEqualTo(itemId));
    }

    @Test
    void anAnthropicProviderServesItTranslatedJsonAndStream() throws Exception {
        Response plain = post(request(claudeModel, false, "\"instructions\":\"be brief\"", "\"hi claude\""));
        JsonNode sent = mapper.readTree(mock.counts().lastRequest("/v1/messages", "claude-up", "up-c").orElseThrow().body());
        List<JsonNode> events = events(post(request(claudeModel, true, "", "\"hi stream\"")));

        assertThat(plain.header("x-switchboard-translated")).isEqualTo("openai-responses->anthropic");
        assertThat(outputText(json(plain))).isEqualTo("Echo: hi claude");
        assertThat(outputText(events.getLast().get("response"))).isEqualTo("Echo: hi stream");
        assertThat(mock.counts().by("/v1/messages", "claude-up", "up-c")).isEqualTo(2);
        assertThat(sent.get("system").asText()).isEqualTo("be brief");
    }

    @Test
    void aFunctionCallRoundTripKeepsTheCallIdOnBothTranslations() throws Exception {
        for (String model : List.of(chatModel, claudeModel)) {
            JsonNode first = json(post(request(model, false, TOOLS, "\"weather in Paris? mock-answer:tools=1\"")));
            JsonNode call = first.get("output").get(0);
            assertThat(call.get("type").asText()).as(model).isEqualTo("function_call");
            assertThat(call.get("name").asText()).isEqualTo("get_weather");
            assertThat(call.get("id").asText()).startsWith("fc_");
            String callId = call.get("call_id").asText();
            assertThat(callId).isNotBlank();
            assertThat(mapper.readTree(call.get("arguments").asText()).get("text").asText()).isEqualTo("weather in Paris?");

            String history = "[{\"role\":\"user\",\"content\":\"weather in Paris?\"},"
                    + "{\"type\":\"function_call\",\"call_id\":\"" + callId + "\",\"name\":\"get_weather\",\"arguments\":"
                    + mapper.writeValueAsString(call.get("arguments").asText()) + "},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"" + callId + "\",\"output\":\"sunny\"}]";
            JsonNode second = json(post(request(model, false, TOOLS, history)));
            assertThat(outputText(second)).as(model).isEqualTo("Tool results: sunny");
        }
    }

    @Test
    void aStreamedFunctionCallArrivesAsArgumentDeltasOfOneStableItem() throws Exception {
        List<JsonNode> events = events(post(request(claudeModel, true, TOOLS, "\"weather? mock-answer:tools=1,arg-chunk=3\"")));

        JsonNode added = events.stream().filter(e -> e.get("type").asText().equals("response.output_item.added"))
                .findFirst().orElseThrow().get("item");
        StringBuilder args = new StringBuilder();
        for (JsonNode e : events) {
            if (e.get("type").asText().equals("response.function_call_arguments.delta")) {
                assertThat(e.get("item_id").asText()).isEqualTo(added.get("id").asText());
                args.append(e.get("delta").asText());
            }
        }
        JsonNode item = events.getLast().get("response").get("output").get(0);
        assertThat(item.get("call_id").asText()).isEqualTo(added.get("call_id").asText()).startsWith("toolu_mock_");
        assertThat(item.get("arguments").asText()).isEqualTo(args.toString());
        assertThat(mapper.readTree(args.toString()).get("call").asInt()).isZero();
    }

    @Test
    void aFirstCandidateThat503sIsReplacedInvisiblyByTheNext() throws Exception {
        mock.addFault(new FaultRule(null, "fo-resp-up", "status=503", -1));

        Response plain = post(request(failoverModel, false, "", "\"fail over\""));
        Response streamed = post(request(failoverModel, true, "", "\"fail over\""));

        assertThat(outputText(json(plain))).isEqualTo("Echo: fail over");
        assertThat(plain.header("x-switchboard-provider")).isEqualTo(chatProvider);
        assertThat(plain.header("x-switchboard-translated")).isEqualTo("openai-responses->openai");
        assertThat(outputText(events(streamed).getLast().get("response"))).isEqualTo("Echo: fail over");
        assertThat(mock.counts().by("/v1/responses", "fo-resp-up", "up-a")).isPositive();
        assertThat(mock.counts().by("/v1/chat/completions", "fo-chat-up", "up-b")).isEqualTo(2);
    }

    @Test
    void usageIsRecordedAsTheClientSeesItCachedTokensIncluded() throws Exception {
        long since = System.currentTimeMillis() - 1;
        String id = "rid-" + UUID.randomUUID();
        JsonNode r = json(post(request(claudeModel, false, "", "\"count me mock-answer:cache-read=40\""), id));
        String streamId = "rid-" + UUID.randomUUID();
        List<JsonNode> events = events(post(request(passModel, true, "", "\"count the stream\""), streamId));

        JsonNode usage = r.get("usage");
        assertThat(usage.get("input_tokens_details").get("cached_tokens").asLong()).isEqualTo(40);
        assertThat(usage.get("input_tokens").asLong()).isGreaterThan(40);
        UsageEvent e = fx.usageEvent(id, since);
        assertThat(e.promptTokens()).isEqualTo(usage.get("input_tokens").asLong());
        assertThat(e.completionTokens()).isEqualTo(usage.get("output_tokens").asLong());
        JsonNode streamUsage = events.getLast().get("response").get("usage");
        UsageEvent s = fx.usageEvent(streamId, since);
        assertThat(s.promptTokens()).isEqualTo(streamUsage.get("input_tokens").asLong()).isPositive();
        assertThat(s.completionTokens()).isEqualTo(streamUsage.get("output_tokens").asLong()).isPositive();
    }

    @Test
    void maxOutputTokensReachedIsAnIncompleteResponse() throws Exception {
        JsonNode r = json(post(request(claudeModel, false, "\"max_output_tokens\":2", "\"a question long enough to be cut\"")));

        assertThat(r.get("status").asText()).isEqualTo("incomplete");
        assertThat(r.get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void structuredOutputIsResponseFormatForChatAndA400NamingTextFormatForAnthropic() throws Exception {
        String format = "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"a\",\"schema\":{\"type\":\"object\"}}}";
        json(post(request(chatModel, false, format, "\"json please\"")));
        Response refused = post(request(claudeModel, false, format, "\"json please\""));

        JsonNode sent = mapper.readTree(mock.counts().lastRequest("gpt-chat-up").orElseThrow().body());
        assertThat(sent.get("response_format").get("json_schema").get("name").asText()).isEqualTo("a");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error.param")).isEqualTo("text.format");
        assertThat(mock.counts().byPath("/v1/messages")).isZero();
    }

    @Test
    void badInputIsA400BeforeAnyUpstreamCall() {
        Response noModel = post("{\"input\":\"hi\"}");
        Response badItem = post(request(chatModel, false, "", "[{\"type\":\"bogus\"}]"));
        Response stateful = post(request(passModel, false, "\"previous_response_id\":\"resp_123\"", "\"more\""));

        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(noModel.jsonPath().getString("error.message")).contains("model");
        assertThat(badItem.statusCode()).isEqualTo(400);
        assertThat(badItem.jsonPath().getString("error.param")).isEqualTo("input[0].type");
        assertThat(stateful.statusCode()).isEqualTo(400);
        assertThat(stateful.jsonPath().getString("error.param")).isEqualTo("previous_response_id");
        assertThat(stateful.jsonPath().getString("error.message")).contains("stateless");
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void aTranslatedStreamCutMidwayEndsWithAnErrorEventNumberedNext() throws Exception {
        mock.addFault(new FaultRule("up-b", "gpt-chat-up", "cut-after=4", -1));

        Response r = post(request(chatModel, true, "", "\"one two three four five six\""));
        List<JsonNode> events = events(r);

        JsonNode last = events.getLast();
        assertThat(last.get("type").asText()).isEqualTo("error");
        assertThat(last.get("code").asText()).isEqualTo("upstream_stream_interrupted");
        assertThat(types(events)).doesNotContain("response.completed");
    }
}
