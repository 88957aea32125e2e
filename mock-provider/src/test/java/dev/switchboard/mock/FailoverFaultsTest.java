package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault specs a failover test needs: late first token, stall, bad event, missing sentinel, reset, flap, prefill. */
class FailoverFaultsTest {

    static final String FAULT = "x-mock-fault";

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension();

    MockProvider mock;
    MockClient client;

    @BeforeEach
    void bind() {
        mock = MOCK.provider();
        client = MOCK.client();
    }

    /** Reads SSE events one at a time, remembering when each arrived (ms after the request was sent). */
    record TimedStream(long headersMs, List<String> events, List<Long> arrivals, IOException failure) {
    }

    TimedStream timedStream(String path, String body, String... headers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .headers(headers).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> resp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        long headersMs = (System.nanoTime() - t0) / 1_000_000;
        List<String> events = new java.util.ArrayList<>();
        List<Long> arrivals = new java.util.ArrayList<>();
        IOException failure = null;
        StringBuilder pending = new StringBuilder();
        try (InputStream in = resp.body()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                int end;
                while ((end = pending.indexOf("\n\n")) >= 0) {
                    events.add(pending.substring(0, end));
                    arrivals.add((System.nanoTime() - t0) / 1_000_000);
                    pending.delete(0, end + 2);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        return new TimedStream(headersMs, events, arrivals, failure);
    }

    static final String[] OPENAI = {"Authorization", "Bearer mock-key", "Content-Type", "application/json"};
    static final String[] ANTHROPIC = {"x-api-key", "mock-key", "Content-Type", "application/json"};

    static String[] with(String[] base, String... extra) {
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    // ------------------------------------------------------------------ time

    @Test
    void firstTokenSendsHeadersAndTheRoleChunkAtOnceAndTheFirstContentLate() throws Exception {
        TimedStream s = timedStream("/v1/chat/completions", chat("gpt-4o", "one two", true),
                with(OPENAI, FAULT, "first-token=800"));

        assertThat(s.failure()).isNull();
        assertThat(s.headersMs()).isLessThan(500);
        assertThat(json(s.events().getFirst().substring(6)).get("choices").get(0).get("delta").get("role").asText())
                .isEqualTo("assistant");
        assertThat(s.arrivals().getFirst()).isLessThan(500);
        assertThat(json(s.events().get(1).substring(6)).get("choices").get(0).get("delta").get("content").asText())
                .isEqualTo("Echo:");
        assertThat(s.arrivals().get(1)).isGreaterThanOrEqualTo(800);
        assertThat(s.events().getLast()).isEqualTo("data: [DONE]");
    }

    @Test
    void firstTokenOnAnthropicHoldsTheFirstDeltaNotMessageStart() throws Exception {
        TimedStream s = timedStream("/v1/messages", messages("claude-haiku-4-5", "hi", true),
                with(ANTHROPIC, FAULT, "first-token=800"));

        assertThat(s.events().subList(0, 3)).allSatisfy(e -> assertThat(e).doesNotContain("content_block_delta"));
        assertThat(s.arrivals().get(2)).isLessThan(500);
        assertThat(s.events().get(3)).startsWith("event: content_block_delta");
        assertThat(s.arrivals().get(3)).isGreaterThanOrEqualTo(800);
        assertThat(s.events().getLast()).startsWith("event: message_stop");
    }

    @Test
    void firstTokenOnAJsonAnswerSendsHeadersAtOnceAndTheBodyLate() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/v1/chat/completions"))
                .headers(with(OPENAI, FAULT, "first-token=600"))
                .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-4o", "hi", false))).build();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> resp = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        long headersMs = (System.nanoTime() - t0) / 1_000_000;
        String body = new String(resp.body().readAllBytes(), StandardCharsets.UTF_8);
        long bodyMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(headersMs).isLessThan(400);
        assertThat(bodyMs).isGreaterThanOrEqualTo(600);
        assertThat(json(body).get("choices").get(0).get("message").get("content").asText()).isEqualTo("Echo: hi");
    }

    @Test
    void stallSendsKEventsThenNothingThenCloses() throws Exception {
        TimedStream s = timedStream("/v1/chat/completions", chat("gpt-4o", "one two three", true),
                with(OPENAI, FAULT, "stall-after=2;stall=700"));

        assertThat(s.events()).hasSize(2);
        assertThat(s.arrivals().get(1)).isLessThan(500);
        assertThat(s.failure()).as("closed without the end of the chunked body").isNotNull();
        assertThat(mock.counts().byModel("gpt-4o")).isEqualTo(1);
    }

    @Test
    void stallClosesOnlyAfterTheStall() {
        long t0 = System.nanoTime();
        MockClient.StreamResult result = client.anthropicStream(messages("claude-haiku-4-5", "one two", true),
                FAULT, "stall-after=3;stall=600");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(result.eventNames()).containsExactly("message_start", "content_block_start", "ping");
        assertThat(result.failure()).isInstanceOf(IOException.class);
        assertThat(ms).isGreaterThanOrEqualTo(600);
    }

    // ------------------------------------------------------------------ broken events and endings

    @Test
    void badEventInsertsOneUnparseableEventAndTheStreamGoesOn() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "one two", true), FAULT, "bad-event=2");

        assertThat(result.failure()).isNull();
        List<String> data = result.data();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThatThrownBy(() -> MockClient.JSON.readTree(data.get(2))).isInstanceOf(IOException.class);
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            if (d.equals(data.get(2))) {
                continue;
            }
            JsonNode content = json(d).get("choices").get(0).get("delta").get("content");
            if (content != null) {
                text.append(content.asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Echo: one two");
    }

    @Test
    void badEventOnAnthropicIsAnUnparseableContentBlockDelta() {
        MockClient.StreamResult result = client.anthropicStream(messages("claude-haiku-4-5", "hi", true),
                FAULT, "bad-event=3");
        assertThat(result.eventNames().get(3)).isEqualTo("content_block_delta");
        assertThatThrownBy(() -> MockClient.JSON.readTree(result.data().get(3))).isInstanceOf(IOException.class);
        assertThat(result.eventNames()).endsWith("message_stop");
    }

    @Test
    void noSentinelEndsCleanlyAfterTheFinishAndUsageChunksWithoutDone() {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        MockClient.StreamResult result = client.openAiStream(body, FAULT, "no-sentinel");

        assertThat(result.failure()).as("a clean end of the body").isNull();
        List<String> data = result.data();
        assertThat(data).doesNotContain("[DONE]");
        assertThat(json(data.getLast()).get("usage").get("total_tokens").asLong()).isPositive();
        assertThat(json(data.get(data.size() - 2)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void noSentinelOnAnthropicEndsAfterMessageDelta() {
        MockClient.StreamResult result = client.anthropicStream(messages("claude-haiku-4-5", "hi", true),
                FAULT, "no-sentinel;chunk-delay=5");
        assertThat(result.failure()).isNull();
        assertThat(result.eventNames()).endsWith("content_block_stop", "message_delta").doesNotContain("message_stop");
        assertThat(json(result.data().getLast()).get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void resetAnswersTheRequestWithATcpReset() throws Exception {
        String body = chat("reset-model", "hi", false);
        byte[] request = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-key\r\n"
                + "x-mock-fault: reset\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", mock.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertThatThrownBy(() -> {
                byte[] buf = new byte[1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(got.size()).as("no header byte before the reset").isZero();
        }
        assertThat(mock.counts().byModel("reset-model")).isEqualTo(1);
    }

    @Test
    void resetWithCutAfterResetsMidStream() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "one two three", true),
                FAULT, "cut-after=2;reset");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.failure()).isInstanceOf(IOException.class);
        assertThat(result.data()).hasSizeLessThanOrEqualTo(2).doesNotContain("[DONE]");
    }

    @Test
    void errorAfterSendsKEventsThenAnInbandErrorAndEnds() {
        MockClient.StreamResult openAi = client.openAiStream(chat("gpt-4o", "one two three", true),
                FAULT, "error-after=3;status=429");
        assertThat(openAi.status()).isEqualTo(200);
        assertThat(openAi.failure()).isNull();
        List<String> data = openAi.data();
        assertThat(data).hasSize(4).doesNotContain("[DONE]");
        assertThat(json(data.get(2)).get("choices").get(0).get("delta").get("content").asText()).isEqualTo(" one");
        assertThat(json(data.getLast()).get("error").get("code").asText()).isEqualTo("rate_limit_exceeded");

        MockClient.StreamResult anthropic = client.anthropicStream(messages("claude-haiku-4-5", "one two", true),
                FAULT, "error-after=4");
        assertThat(anthropic.eventNames()).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "error");
        assertThat(json(anthropic.data().getLast()).get("error").get("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void errorAfterWithoutStreamIsThePlainError() {
        HttpResponse<String> resp = client.anthropic(messages("claude-haiku-4-5", "hi", false), FAULT, "error-after=2");
        assertThat(resp.statusCode()).isEqualTo(529);
    }

    // ------------------------------------------------------------------ 400s

    @Test
    void contextLengthExceededIsA400InEachShape() {
        HttpResponse<String> openAi = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=400;code=context_length_exceeded");
        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = json(openAi.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("maximum context length");

        HttpResponse<String> anthropic = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "status=400;code=context_length_exceeded");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode aError = json(anthropic.body()).get("error");
        assertThat(aError.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(aError.get("message").asText()).startsWith("prompt is too long");
    }

    @Test
    void contentPolicyIsA400InEachShape() {
        HttpResponse<String> openAi = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=400;code=content_policy_violation");
        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = json(openAi.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("content_policy_violation");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("safety system");

        HttpResponse<String> anthropic = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "status=400;code=content_policy_violation");
        JsonNode aError = json(anthropic.body()).get("error");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        assertThat(aError.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(aError.get("message").asText()).contains("content filtering policy");
    }

    @Test
    void noPrefillRejectsAConversationEndingWithAnAssistantTurn() {
        String prefill = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"one two\"},{\"role\":\"assistant\",\"content\":\"Echo: one\"}]}";
        HttpResponse<String> rejected = client.anthropic(prefill, FAULT, "no-prefill");
        assertThat(rejected.statusCode()).isEqualTo(400);
        JsonNode body = json(rejected.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.get("error").get("message").asText()).contains("prefill");

        assertThat(client.anthropic(messages("claude-haiku-4-5", "one two", false), FAULT, "no-prefill").statusCode())
                .isEqualTo(200);
        HttpResponse<String> openAi = client.openAi("/v1/chat/completions", prefill.replace("claude-haiku-4-5", "gpt-4o"),
                FAULT, "no-prefill");
        assertThat(openAi.statusCode()).isEqualTo(400);
        assertThat(json(openAi.body()).get("error").get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void noPrefillInAModelNameMakesAModelThatRejectsPrefills() {
        String model = "strict-mock-fault:no-prefill";
        String prefill = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"Echo\"}]}";
        assertThat(client.anthropic(prefill).statusCode()).isEqualTo(400);
        assertThat(client.anthropic(messages(model, "x", false)).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ flap

    @Test
    void flapIs503ForItsWindowAfterTheFirstRequestThenHealthy() throws InterruptedException {
        mock.addFault(FaultRule.always(null, "primary", "flap=700"));

        HttpResponse<String> first = client.openAi("/v1/chat/completions", chat("primary", "hi", false));
        HttpResponse<String> second = client.openAi("/v1/chat/completions", chat("primary", "hi", false));
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(json(first.body()).get("error").get("type").asText()).isEqualTo("server_error");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(client.openAi("/v1/chat/completions", chat("other", "hi", false)).statusCode()).isEqualTo(200);

        Thread.sleep(900);
        assertThat(client.openAi("/v1/chat/completions", chat("primary", "hi", false)).statusCode()).isEqualTo(200);
        assertThat(client.openAi("/v1/chat/completions", chat("primary", "hi", false)).statusCode()).isEqualTo(200);
        assertThat(mock.counts().byModel("primary")).isEqualTo(4);
    }

    @Test
    void flapTakesItsDownStatusFromStatusAndItsClockPerModelName() throws InterruptedException {
        String model = "flappy-mock-fault:flap=500,status=529";
        assertThat(client.anthropic(messages(model, "hi", false)).statusCode()).isEqualTo(529);
        Thread.sleep(700);
        assertThat(client.anthropic(messages(model, "hi", false)).statusCode()).isEqualTo(200);
        mock.clearFaults(); // restarts the flap clocks
        assertThat(client.anthropic(messages(model, "hi", false)).statusCode()).isEqualTo(529);
    }

    // ------------------------------------------------------------------ determinism

    @Test
    void aRestartedStreamRepeatsTheCutStreamsTextSoItCanBeSpliced() {
        MockClient.StreamResult cut = client.anthropicStream(messages("claude-haiku-4-5", "one two three four", true),
                FAULT, "cut-after=5");
        MockClient.StreamResult full = client.anthropicStream(messages("claude-haiku-4-5", "one two three four", true));
        List<String> cutData = cut.data();
        List<String> fullData = full.data();
        // same events but for the message id
        for (int i = 1; i < cutData.size(); i++) {
            assertThat(cutData.get(i)).isEqualTo(fullData.get(i));
        }
    }
}
