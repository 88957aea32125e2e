package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.switchboard.mock.MockClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/responses}: the response object, its event sequence, tool calls, faults and counts. */
class ResponsesEndpointTest {

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension();

    MockClient client;

    @BeforeEach
    void bind() {
        client = MOCK.client();
    }

    private MockClient.StreamResult stream(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        System.arraycopy(new String[] {"Authorization", "Bearer " + MockClient.KEY, "Content-Type", "application/json"},
                0, all, 0, 4);
        System.arraycopy(headers, 0, all, 4, headers.length);
        return client.stream("/v1/responses", body, all);
    }

    @Test
    void answersAResponseObjectEchoingTheLastUserTextWithUsage() {
        HttpResponse<String> resp = client.openAi("/v1/responses", """
                {"model":"gpt-4.1","instructions":"be brief","input":[
                 {"role":"user","content":"first"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]},
                 {"role":"user","content":[{"type":"input_text","text":"hello there"}]}]}""");

        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        JsonNode r = json(resp.body());
        assertThat(r.get("object").asText()).isEqualTo("response");
        assertThat(r.get("id").asText()).startsWith("resp_mock");
        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(r.get("model").asText()).isEqualTo("gpt-4.1");
        JsonNode msg = r.get("output").get(0);
        assertThat(msg.get("type").asText()).isEqualTo("message");
        assertThat(msg.get("content").get(0).get("text").asText()).isEqualTo("Echo: hello there");
        assertThat(r.get("usage").get("output_tokens").asLong()).isPositive();
        assertThat(MOCK.provider().counts().by("/v1/responses", "gpt-4.1", MockClient.KEY)).isEqualTo(1);
    }

    @Test
    void streamsTheEventSequenceWithIncreasingSequenceNumbersAndNoDone() {
        MockClient.StreamResult s = stream("{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"one two\"}");

        assertThat(s.status()).isEqualTo(200);
        List<String> names = s.eventNames();
        assertThat(names).containsSubsequence("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(names.getLast()).isEqualTo("response.completed");
        assertThat(s.data()).doesNotContain("[DONE]");
        long previous = -1;
        for (String d : s.data()) {
            long n = json(d).get("sequence_number").asLong();
            assertThat(n).isGreaterThan(previous);
            previous = n;
        }
        JsonNode done = json(s.data().getLast()).get("response");
        assertThat(done.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("Echo: one two");
        assertThat(done.get("usage").get("input_tokens").asLong()).isPositive();
    }

    @Test
    void aToolDirectiveAnswersFunctionCallsWithCallIdsAndStreamsTheirArguments() {
        String body = """
                {"model":"gpt-4.1","stream":true,"tools":[{"type":"function","name":"get_weather","parameters":{}}],
                 "input":"weather? mock-answer:tools=1"}""";
        MockClient.StreamResult s = stream(body);

        JsonNode call = json(s.data().getLast()).get("response").get("output").get(0);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("call_id").asText()).startsWith("call_mock_");
        StringBuilder args = new StringBuilder();
        s.data().stream().map(MockClient::json)
                .filter(e -> e.get("type").asText().equals("response.function_call_arguments.delta"))
                .forEach(e -> args.append(e.get("delta").asText()));
        assertThat(args.toString()).isEqualTo(call.get("arguments").asText());
    }

    @Test
    void endsWithToolResultsTextAfterAFunctionCallOutputAndIncompleteOnMaxOutputTokens() {
        JsonNode r = json(client.openAi("/v1/responses", """
                {"model":"gpt-4.1","input":[{"role":"user","content":"weather?"},
                 {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{}"},
                 {"type":"function_call_output","call_id":"c1","output":"sunny"}]}""").body());
        JsonNode cut = json(client.openAi("/v1/responses",
                "{\"model\":\"gpt-4.1\",\"max_output_tokens\":1,\"input\":\"a long enough question\"}").body());

        assertThat(r.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo("Tool results: sunny");
        assertThat(cut.get("status").asText()).isEqualTo("incomplete");
        assertThat(cut.get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void faultsAndValidationAnswerInTheOpenAiShape() {
        HttpResponse<String> faulted = client.openAi("/v1/responses", "{\"model\":\"gpt-4.1\",\"input\":\"x\"}",
                "x-mock-fault", "status=503");
        HttpResponse<String> noInput = client.openAi("/v1/responses", "{\"model\":\"gpt-4.1\"}");
        MockClient.StreamResult inband = stream("{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"x\"}",
                "x-mock-fault", "inband-error");

        assertThat(faulted.statusCode()).isEqualTo(503);
        assertThat(json(faulted.body()).get("error").get("type").asText()).isEqualTo("server_error");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(inband.eventNames()).containsExactly("error");
        assertThat(json(inband.data().getFirst()).get("sequence_number").asLong()).isZero();
    }
}
