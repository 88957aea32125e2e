package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionTest {

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

    // ------------------------------------------------------------------ fixed statuses

    @ParameterizedTest(name = "OpenAI {0} -> {1} {2}/{3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "status=400                          | 400 | context_length_exceeded | invalid_request_error",
            "status=401                          | 401 | invalid_api_key         | invalid_request_error",
            "status=402                          | 402 | insufficient_quota      | insufficient_quota",
            "status=404                          | 404 | model_not_found         | invalid_request_error",
            "status=429                          | 429 | rate_limit_exceeded     | requests",
            "status=429;code=insufficient_quota  | 429 | insufficient_quota      | insufficient_quota",
            "status=500                          | 500 | null                    | server_error",
            "status=503                          | 503 | null                    | server_error",
            "status=529                          | 529 | overloaded              | server_error",
    })
    void openAiStatusFaultsAnswerRealisticErrorBodies(String fault, int status, String code, String type) {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false), FAULT, fault);

        assertThat(resp.statusCode()).isEqualTo(status);
        assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = json(resp.body()).get("error");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo(type);
        if (code == null) {
            assertThat(error.get("code").isNull()).isTrue();
        } else {
            assertThat(error.get("code").asText()).isEqualTo(code);
        }
    }

    @ParameterizedTest(name = "Anthropic {0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "status=400 | 400 | invalid_request_error",
            "status=401 | 401 | authentication_error",
            "status=402 | 402 | billing_error",
            "status=403 | 403 | permission_error",
            "status=404 | 404 | not_found_error",
            "status=429 | 429 | rate_limit_error",
            "status=500 | 500 | api_error",
            "status=503 | 503 | api_error",
            "status=529 | 529 | overloaded_error",
    })
    void anthropicStatusFaultsAnswerRealisticErrorBodies(String fault, int status, String type) {
        HttpResponse<String> resp = client.anthropic(messages("claude-haiku-4-5", "hi", false), FAULT, fault);

        assertThat(resp.statusCode()).isEqualTo(status);
        JsonNode body = json(resp.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo(type);
        assertThat(body.get("error").get("message").asText()).isNotBlank();
    }

    @Test
    void openAi429CarriesRetryAfterAndRateLimitResetHeaders() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=429;retry-after=30");

        assertThat(resp.statusCode()).isEqualTo(429);
        assertThat(resp.headers().firstValue("retry-after")).hasValue("30");
        assertThat(resp.headers().firstValue("x-ratelimit-reset-requests")).hasValue("30s");
        assertThat(resp.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    }

    @Test
    void plain429DefaultsToOneSecondRetryAfterAndNoneCanBeAsked() {
        HttpResponse<String> dflt = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false), FAULT, "status=429");
        assertThat(dflt.headers().firstValue("retry-after")).hasValue("1");

        HttpResponse<String> none = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=429;retry-after=none");
        assertThat(none.statusCode()).isEqualTo(429);
        assertThat(none.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void insufficientQuotaHasNoRetryAfter() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=429;code=insufficient_quota");
        assertThat(resp.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void anthropic429And529CarryRetryAfterWhenGiven() {
        HttpResponse<String> r429 = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "status=429;retry-after=12");
        assertThat(r429.headers().firstValue("retry-after")).hasValue("12");
        assertThat(r429.headers().firstValue("anthropic-ratelimit-requests-remaining")).hasValue("0");

        HttpResponse<String> r529 = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "status=529;retry-after=3");
        assertThat(r529.statusCode()).isEqualTo(529);
        assertThat(r529.headers().firstValue("retry-after")).hasValue("3");
    }

    @Test
    void statusFaultOnAStreamingRequestIsAPlainJsonError() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "hi", true), FAULT, "status=503");
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json(result.body()).get("error").get("type").asText()).isEqualTo("server_error");
    }

    @Test
    void faultsApplyToEmbeddingsAndModelsToo() {
        assertThat(client.openAi("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}", FAULT, "status=500")
                .statusCode()).isEqualTo(500);
        assertThat(client.get("/v1/models", "Authorization", "Bearer mock-key", FAULT, "status=503")
                .statusCode()).isEqualTo(503);
    }

    // ------------------------------------------------------------------ timing

    @Test
    void ttfbDelaysTheResponse() {
        long t0 = System.nanoTime();
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false), FAULT, "ttfb=400");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(ms).isGreaterThanOrEqualTo(400);
    }

    @Test
    void ttfbCombinesWithAStatus() {
        long t0 = System.nanoTime();
        HttpResponse<String> resp = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "ttfb=300;status=529");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(resp.statusCode()).isEqualTo(529);
        assertThat(ms).isGreaterThanOrEqualTo(300);
    }

    @Test
    void chunkDelaySpacesStreamEvents() {
        // "Echo: a b" -> role, 3 pieces, finish = 5 events, then [DONE]: 5 pauses of 100 ms
        long t0 = System.nanoTime();
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "a b", true), FAULT, "chunk-delay=100");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(result.failure()).isNull();
        assertThat(result.data()).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(ms).isGreaterThanOrEqualTo(500);
    }

    @Test
    void chunkDelayAppliesToAnthropicStreams() {
        long t0 = System.nanoTime();
        MockClient.StreamResult result = client.anthropicStream(messages("claude-haiku-4-5", "a", true),
                FAULT, "chunk-delay=60");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // message_start, block_start, ping, 2 deltas, block_stop, message_delta = 7 pauses before message_stop
        assertThat(result.eventNames()).endsWith("message_stop");
        assertThat(ms).isGreaterThanOrEqualTo(7 * 60);
    }

    // ------------------------------------------------------------------ broken streams

    @Test
    void cutAfterClosesTheOpenAiStreamWithoutDone() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "one two three four", true),
                FAULT, "cut-after=3");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.failure()).as("the connection is cut mid-body").isInstanceOf(IOException.class);
        assertThat(result.data()).hasSize(3).doesNotContain("[DONE]");
        assertThat(result.data()).allSatisfy(d -> assertThat(json(d).get("object").asText())
                .isEqualTo("chat.completion.chunk"));
    }

    @Test
    void cutAfterClosesTheAnthropicStreamWithoutMessageStop() {
        MockClient.StreamResult result = client.anthropicStream(messages("claude-haiku-4-5", "one two three", true),
                FAULT, "cut-after=4");

        assertThat(result.failure()).isInstanceOf(IOException.class);
        assertThat(result.eventNames()).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta");
    }

    @Test
    void cutAfterWorksWithChunkDelay() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "one two three four", true),
                FAULT, "cut-after=2;chunk-delay=20");
        assertThat(result.failure()).isInstanceOf(IOException.class);
        assertThat(result.data()).hasSize(2);
    }

    @Test
    void cutAfterLongerThanTheStreamStillWithholdsTheTerminator() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "hi", true), FAULT, "cut-after=100");
        assertThat(result.failure()).isInstanceOf(IOException.class);
        assertThat(result.data()).isNotEmpty().doesNotContain("[DONE]");
    }

    @Test
    void inbandErrorIsTheFirstOpenAiEventWithStatus200() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "hi", true), FAULT, "inband-error");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> data = result.data();
        assertThat(data).hasSize(1);
        JsonNode error = json(data.getFirst()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void inbandErrorIsTheFirstAnthropicEventAndTakesItsKindFromStatus() {
        MockClient.StreamResult overloaded = client.anthropicStream(messages("claude-haiku-4-5", "hi", true),
                FAULT, "inband-error");
        assertThat(overloaded.status()).isEqualTo(200);
        assertThat(overloaded.eventNames()).containsExactly("error");
        assertThat(json(overloaded.data().getFirst()).get("error").get("type").asText()).isEqualTo("overloaded_error");

        MockClient.StreamResult limited = client.anthropicStream(messages("claude-haiku-4-5", "hi", true),
                FAULT, "inband-error;status=429");
        assertThat(limited.status()).isEqualTo(200);
        assertThat(json(limited.data().getFirst()).get("error").get("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void inbandErrorOnANonStreamingRequestIsAnErrorBodyWith200() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "inband-error;status=529");
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(json(resp.body()).get("error").get("code").asText()).isEqualTo("overloaded");
    }

    @Test
    void malformedAnswers200WithInvalidJson() {
        HttpResponse<String> openAi = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "malformed");
        HttpResponse<String> anthropic = client.anthropic(messages("claude-haiku-4-5", "hi", false), FAULT, "malformed");
        for (HttpResponse<String> resp : List.of(openAi, anthropic)) {
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
            assertThatThrownBy(() -> MockClient.JSON.readTree(resp.body())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void malformedStreamSendsAnUnparseableEvent() {
        MockClient.StreamResult result = client.openAiStream(chat("gpt-4o", "hi", true), FAULT, "malformed");
        assertThat(result.status()).isEqualTo(200);
        assertThatThrownBy(() -> MockClient.JSON.readTree(result.data().getFirst())).isInstanceOf(IOException.class);
    }

    @Test
    void hangNeverAnswersAndTheClientTimesOut() throws InterruptedException {
        HttpRequest request = client.request("/v1/chat/completions",
                        "Authorization", "Bearer mock-key", FAULT, "hang")
                .timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString(chat("hang-model", "hi", false)))
                .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> java.net.http.HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(500);
        assertThat(mock.counts().byModel("hang-model")).isEqualTo(1);
        // the timed-out client drops its connection, and with it the server lets go of the request
        for (int j = 0; j < 100 && mock.hangingRequests() > 0; j++) { // at most ~2 s
            Thread.sleep(20);
        }
        assertThat(mock.hangingRequests()).isZero();
        // the server is still serving
        assertThat(client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false)).statusCode()).isEqualTo(200);
    }

    @Test
    void hangingConnectionsClosedByClientsAreReleased() throws Exception {
        String body = chat("gpt-4o", "hi", false);
        byte[] request = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mock-key\r\n"
                + "x-mock-fault: hang\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", mock.port());
                sockets.add(s);
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
            }
            for (int j = 0; j < 100 && mock.hangingRequests() < 20; j++) { // at most ~2 s
                Thread.sleep(20);
            }
            assertThat(mock.hangingRequests()).as("the server holds every hanging request").isGreaterThanOrEqualTo(20);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        for (int j = 0; j < 100 && mock.hangingRequests() > 0; j++) { // at most ~2 s
            Thread.sleep(20);
        }
        assertThat(mock.hangingRequests()).as("every hanging request released once its client closed").isZero();
        assertThat(client.openAi("/v1/chat/completions", chat("gpt-4o", "still here", false)).statusCode())
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------ quota headers, sources, syntax

    @Test
    void remainingSetsTheQuotaHeadersOnSuccess() {
        HttpResponse<String> openAi = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "remaining=0;remaining-tokens=5");
        assertThat(openAi.statusCode()).isEqualTo(200);
        assertThat(openAi.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(openAi.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("5");

        HttpResponse<String> anthropic = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "remaining=2");
        assertThat(anthropic.headers().firstValue("anthropic-ratelimit-requests-remaining")).hasValue("2");
    }

    @Test
    void modelNameConventionInjectsAFault() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions",
                chat("gpt-4o-mock-fault:status=429,retry-after=7", "hi", false));
        assertThat(resp.statusCode()).isEqualTo(429);
        assertThat(resp.headers().firstValue("retry-after")).hasValue("7");

        HttpResponse<String> anthropic = client.anthropic(messages("mock-fault:status=529", "hi", false));
        assertThat(anthropic.statusCode()).isEqualTo(529);
        assertThat(json(anthropic.body()).get("error").get("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void headerOverridesTheModelNameFault() {
        HttpResponse<String> resp = client.openAi("/v1/chat/completions",
                chat("mock-fault:status=503", "hi", false), FAULT, "status=429");
        assertThat(resp.statusCode()).isEqualTo(429);
    }

    @Test
    void invalidFaultSpecIs400NamingTheProblem() {
        HttpResponse<String> bad = client.openAi("/v1/chat/completions", chat("gpt-4o", "hi", false),
                FAULT, "status=abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).get("error").get("message").asText()).contains("status");

        HttpResponse<String> unknown = client.anthropic(messages("claude-haiku-4-5", "hi", false),
                FAULT, "explode=yes");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown.body()).get("error").get("message").asText()).contains("explode");
    }

    @Test
    void faultsDoNotSkipAuthentication() {
        HttpResponse<String> resp = client.post("/v1/chat/completions", chat("gpt-4o", "hi", false),
                "Authorization", "Bearer wrong", FAULT, "status=503");
        assertThat(resp.statusCode()).isEqualTo(401);
    }
}
