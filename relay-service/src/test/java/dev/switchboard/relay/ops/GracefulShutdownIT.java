package dev.switchboard.relay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.mock.MockProvider;
import dev.switchboard.mock.MockProviderOptions;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.support.Fixture;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged relay, stopped with SIGTERM while a stream is in flight: readiness turns down first,
 * the stream runs to its regular end, then the process exits.
 */
class GracefulShutdownIT {

    private static final String DATA_KEYS = "dev:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Process relay;

    @AfterEach
    void tearDown() throws Exception {
        if (relay != null && relay.isAlive()) {
            relay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void inFlightStreamFinishesAfterSigterm() throws Exception {
        String jar = System.getProperty("relay.jar", "target/quarkus-app/quarkus-run.jar");
        assertThat(new File(jar)).as("packaged relay " + jar).exists();
        MockProvider mock = MockProvider.start(MockProviderOptions.defaults().withApiKeys("up-a"));
        closeables.add(mock);
        // ~20 events 250 ms apart: a stream of several seconds
        mock.addFault(new FaultRule(null, "gpt-slow", "chunk-delay=250", -1));

        ObjectMapper json = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        String model = Fixture.unique("shutdown-model");
        CatalogSnapshot catalog = new CatalogSnapshot(Schema.CATALOG, System.currentTimeMillis() * 1000 + 999,
                Instant.now(), List.of(Fixture.provider(Fixture.unique("slow"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("k", "up-a")), List.of(Fixture.model(model, "gpt-slow")))),
                List.of(), List.of(), List.of());
        String tenantKey = Fixture.newSecret();
        Vertx vertx = Vertx.vertx();
        closeables.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, "redis://127.0.0.1:6379/3"));
        redis.setex(RedisKeys.authKey(TenantAuthenticator.sha256Hex(tenantKey)), "600",
                json.writeValueAsString(AuthCacheEntry.found(Fixture.key(Fixture.group(List.of(), Map.of())))))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.set(List.of(RedisKeys.CATALOG_SNAPSHOT, json.writeValueAsString(catalog)))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.set(List.of(RedisKeys.CATALOG_VERSION, Long.toString(catalog.version())))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        int port = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("relay-shutdown", ".log");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-jar", jar)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(port),
                "REDIS_URL", "redis://127.0.0.1:6379/3", "SB_DATA_KEYS", DATA_KEYS,
                "AUTH_SERVICE_URL", "http://127.0.0.1:1", "SB_INTERNAL_TOKEN", "it",
                "SB_SHUTDOWN_DELAY", "2s", "SB_SHUTDOWN_TIMEOUT", "30s"));
        pb.environment().putAll(Map.of("MANAGEMENT_HOST", "127.0.0.1", "MANAGEMENT_PORT", Integer.toString(managementPort)));
        relay = pb.start();
        String base = "http://127.0.0.1:" + port;
        String management = "http://127.0.0.1:" + managementPort;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.currentTimeMillis() + 60_000;
        int ready = 0;
        while (System.currentTimeMillis() < deadline && ready != 200) {
            try {
                ready = http.send(HttpRequest.newBuilder(URI.create(management + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                // not listening yet
            }
            if (ready != 200) {
                Thread.sleep(200);
            }
        }
        assertThat(ready).as("relay ready; log: " + log).isEqualTo(200);

        HttpRequest streamRequest = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + tenantKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story about a lighthouse\"}]}"))
                .build();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> streaming =
                http.sendAsync(streamRequest, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> response = streaming.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        java.util.Iterator<String> lines = response.body().iterator();
        List<String> received = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            received.add(line);
            if (line.startsWith("data: ")) {
                break; // the stream is flowing: now stop the relay
            }
        }
        relay.destroy(); // SIGTERM
        long sigterm = System.nanoTime();

        // readiness goes down while the stream is still running
        int readiness = 200;
        long until = System.currentTimeMillis() + 2000;
        while (readiness == 200 && System.currentTimeMillis() < until) {
            try {
                readiness = http.send(HttpRequest.newBuilder(URI.create(management + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                readiness = -1;
            }
            Thread.sleep(50);
        }
        assertThat(readiness).as("readiness after SIGTERM").isEqualTo(503);

        while (lines.hasNext()) {
            received.add(lines.next());
        }
        long streamEnded = System.nanoTime();
        assertThat(received).as("stream ran to its regular end").contains("data: [DONE]");
        assertThat(String.join("\n", received)).doesNotContain("\"error\"");
        assertThat((streamEnded - sigterm) / 1_000_000).as("stream outlived SIGTERM by").isGreaterThan(500);
        assertThat(relay.waitFor(40, TimeUnit.SECONDS)).as("relay exited").isTrue();
        assertThat(relay.exitValue()).isIn(0, 143);
    }
}
