package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small java.net.http client for the tests, speaking to one {@link MockProvider}. */
final class MockClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "mock-key";

    /** An SSE body read to its end or to the point where the server cut the connection. */
    record StreamResult(int status, java.net.http.HttpHeaders headers, String body, IOException failure) {

        /** The {@code data:} payloads in order. */
        List<String> data() {
            List<String> out = new ArrayList<>();
            for (String event : events()) {
                for (String line : event.split("\n")) {
                    if (line.startsWith("data: ")) {
                        out.add(line.substring(6));
                    }
                }
            }
            return out;
        }

        /** The {@code event:} names in order (Anthropic). */
        List<String> eventNames() {
            List<String> out = new ArrayList<>();
            for (String event : events()) {
                for (String line : event.split("\n")) {
                    if (line.startsWith("event: ")) {
                        out.add(line.substring(7));
                    }
                }
            }
            return out;
        }

        List<String> events() {
            List<String> out = new ArrayList<>();
            for (String e : body.split("\n\n")) {
                if (!e.isBlank()) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    MockClient(MockProvider mock) {
        this.baseUrl = mock.baseUrl();
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static String body(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** POST with the OpenAI bearer key. */
    HttpResponse<String> openAi(String path, String body, String... extraHeaders) {
        return post(path, body, withHeaders(extraHeaders, "Authorization", "Bearer " + KEY,
                "Content-Type", "application/json"));
    }

    /** POST with the Anthropic key header. */
    HttpResponse<String> anthropic(String body, String... extraHeaders) {
        return post("/v1/messages", body, withHeaders(extraHeaders, "x-api-key", KEY,
                "anthropic-version", "2023-06-01", "Content-Type", "application/json"));
    }

    /** POST and read an SSE body as far as the server sends it, keeping a connection cut as {@code failure}. */
    StreamResult stream(String path, String body, String... headers) {
        HttpRequest request = request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<InputStream> resp = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            IOException failure = null;
            try (InputStream in = resp.body()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                failure = e;
            }
            return new StreamResult(resp.statusCode(), resp.headers(), out.toString(StandardCharsets.UTF_8), failure);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    StreamResult openAiStream(String body, String... extraHeaders) {
        return stream("/v1/chat/completions", body, withHeaders(extraHeaders, "Authorization", "Bearer " + KEY,
                "Content-Type", "application/json"));
    }

    StreamResult anthropicStream(String body, String... extraHeaders) {
        return stream("/v1/messages", body, withHeaders(extraHeaders, "x-api-key", KEY,
                "anthropic-version", "2023-06-01", "Content-Type", "application/json"));
    }

    private static String[] withHeaders(String[] extra, String... base) {
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /** An OpenAI chat body with one user message. */
    static String chat(String model, String userText, boolean stream) {
        return "{\"model\":" + quote(model) + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
                + quote(userText) + "}]}";
    }

    /** An Anthropic messages body with one user message. */
    static String messages(String model, String userText, boolean stream) {
        return "{\"model\":" + quote(model) + ",\"max_tokens\":256,\"stream\":" + stream
                + ",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
