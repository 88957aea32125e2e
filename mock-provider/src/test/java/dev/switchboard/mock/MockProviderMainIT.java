package dev.switchboard.mock;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the packaged runner jar the way {@code ./suite up} does. */
class MockProviderMainIT {

    private static Process launch(Path log, String port, String keys) throws IOException {
        String jar = System.getProperty("mock.runner.jar");
        assertThat(jar).as("mock.runner.jar is set by failsafe").isNotNull();
        assertThat(new File(jar)).exists();
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MOCK_PORT", port);
        pb.environment().put("MOCK_API_KEYS", keys);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void runnerJarServesOnMockPortWithMockApiKeys() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("mock-provider-it", ".log");
        Process process = launch(log, Integer.toString(port), "it-key-1, it-key-2");
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            boolean up = false;
            for (int i = 0; i < 100 && !up && process.isAlive(); i++) { // at most ~20 s
                try {
                    up = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(up).as("health within 20 s; log: %s", Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("listening on http://127.0.0.1:" + port)
                    .doesNotContain("it-key-1");

            String body = MockClient.chat("gpt-4o", "from the jar", false);
            HttpRequest.Builder chat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            assertThat(http.send(chat.copy().header("Authorization", "Bearer it-key-2").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(chat.copy().header("Authorization", "Bearer mock-key").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void badPortExitsWithAMessage() throws Exception {
        Path log = Files.createTempFile("mock-provider-it", ".log");
        Process process = launch(log, "eighty", "k");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log)).contains("MOCK_PORT must be a number");
    }
}
