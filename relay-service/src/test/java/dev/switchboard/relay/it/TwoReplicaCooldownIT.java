package dev.switchboard.relay.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.CatalogEvent;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.mock.MockProvider;
import dev.switchboard.mock.MockProviderOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relay processes from the packaged jar, one Redis (DB 3), one mock upstream with two keys. Key A
 * answers 429 with Retry-After 2 s; key B serves. Proves that a cooldown learnt by replica 1 makes replica 2
 * skip the key on its very next request, and that once the cooldown expires exactly one of the two replicas
 * sends the half-open probe. Upstream calls are counted by the mock, per key.
 */
class TwoReplicaCooldownIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int RETRY_AFTER_SECONDS = 2;

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String MODEL = "it-cd-model-" + RUN;
    private static final String TENANT_KEY = dev.switchboard.relay.support.Fixture.newSecret();
    private static final String UPSTREAM_KEY_A = "sk-upstream-a-" + RUN;
    private static final String UPSTREAM_KEY_B = "sk-upstream-b-" + RUN;
    private static final long BASE_ID = ThreadLocalRandom.current().nextLong(1_000_000_000L, 1_000_000_000_000L);
    private static final long KEY_A_ID = BASE_ID;
    private static final long KEY_B_ID = BASE_ID + 1;
    private static final String SCOPE_A = "key_model:" + KEY_A_ID + ":" + MODEL;

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Vertx vertx;
    private static Redis redisClient;
    private static RedisAPI redis;
    private static MockProvider mock;
    private static Replica replica1;
    private static Replica replica2;
    private static String previousSnapshot;
    private static String previousVersion;
    private static String seededSnapshot;

    /** One relay process. */
    private record Replica(String id, int port, int managementPort, Process process, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        String managementUrl(String path) {
            return "http://127.0.0.1:" + managementPort + path;
        }
    }

    @BeforeAll
    static void startEverything() throws Exception {
        vertx = Vertx.vertx();
        redisClient = Redis.createClient(vertx, "redis://127.0.0.1:6379/3");
        redis = RedisAPI.api(redisClient);

        mock = MockProvider.start(MockProviderOptions.defaults().withApiKeys(UPSTREAM_KEY_A, UPSTREAM_KEY_B));
        mock.addFault(FaultRule.always(UPSTREAM_KEY_A, null, "status=429;retry-after=" + RETRY_AFTER_SECONDS));

        String dataKeys = "it:" + SecretBox.newKey();
        seed(SecretBox.fromSpec(dataKeys));

        Path jar = buildDir().resolve("quarkus-app").resolve("quarkus-run.jar");
        assertThat(jar).as("packaged relay (run by failsafe after package)").exists();
        replica1 = launch("it-replica-1-" + RUN, jar, dataKeys);
        replica2 = launch("it-replica-2-" + RUN, jar, dataKeys);
        awaitReady(replica1);
        awaitReady(replica2);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (Replica r : new Replica[] {replica1, replica2}) {
            if (r != null) {
                r.process().destroy();
                if (!r.process().waitFor(20, TimeUnit.SECONDS)) {
                    r.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        if (mock != null) {
            mock.close();
        }
        if (redis != null) {
            await(redis.del(List.of(RedisKeys.authKey(sha256(TENANT_KEY)), RedisKeys.cooldown(SCOPE_A),
                    RedisKeys.cooldownProbe(SCOPE_A))));
            await(redis.zrem(List.of(RedisKeys.COOLDOWN_INDEX, SCOPE_A)));
            restoreCatalog();
        }
        if (redisClient != null) {
            redisClient.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCooldownSeenByOneReplicaIsHonouredByTheOtherAndOnlyOneProbes() throws Exception {
        long startedAt = System.currentTimeMillis();
        HttpResponse<String> first = chat(replica1);
        assertThat(first.statusCode()).as(diagnose("first request via replica 1", first)).isEqualTo(200);
        assertThat(callsTo(UPSTREAM_KEY_A)).as("key A tried once and answered 429").isEqualTo(1);
        assertThat(callsTo(UPSTREAM_KEY_B)).as("key B served").isEqualTo(1);
        assertThat(first.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        long cooledAt = System.currentTimeMillis();

        HttpResponse<String> second = chat(replica2);
        assertThat(second.statusCode()).as(diagnose("next request via replica 2", second)).isEqualTo(200);
        assertThat(callsTo(UPSTREAM_KEY_A)).as("replica 2 skipped key A on its very next request").isEqualTo(1);
        assertThat(callsTo(UPSTREAM_KEY_B)).isEqualTo(2);
        assertThat(second.headers().firstValue("x-switchboard-attempts")).hasValue("1");

        Map<?, ?> entry = JSON.readValue(await(redis.get(RedisKeys.cooldown(SCOPE_A))).toString(), Map.class);
        assertThat(entry.get("replica")).isEqualTo(replica1.id());
        long until = ((Number) entry.get("until")).longValue();
        assertThat(until).as("Retry-After honoured").isBetween(startedAt + RETRY_AFTER_SECONDS * 1000L,
                cooledAt + RETRY_AFTER_SECONDS * 1000L);

        long sleepMs = until - System.currentTimeMillis() + 300;
        if (sleepMs > 0) {
            Thread.sleep(Math.min(sleepMs, 10_000));
        }
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(chatAsync(i % 2 == 0 ? replica1 : replica2));
        }
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        for (CompletableFuture<HttpResponse<String>> f : burst) {
            assertThat(f.get().statusCode()).as(diagnose("burst request", f.get())).isEqualTo(200);
        }
        assertThat(callsTo(UPSTREAM_KEY_A)).as("exactly one half-open probe across both replicas").isEqualTo(2);
        assertThat(callsTo(UPSTREAM_KEY_B)).as("key B served all 8, the failed probe's request included")
                .isEqualTo(2 + 8);
        Map<?, ?> after = JSON.readValue(await(redis.get(RedisKeys.cooldown(SCOPE_A))).toString(), Map.class);
        assertThat(((Number) after.get("strikes")).intValue()).as("the failed probe counted a second strike")
                .isEqualTo(2);
    }

    // ------------------------------------------------------------------ requests

    private static HttpRequest chatRequest(Replica r) {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return HttpRequest.newBuilder(URI.create(r.url("/v1/chat/completions")))
                .timeout(CALL_TIMEOUT)
                .header("authorization", "Bearer " + TENANT_KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> chat(Replica r) throws IOException, InterruptedException {
        return HTTP.send(chatRequest(r), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> chatAsync(Replica r) {
        return HTTP.sendAsync(chatRequest(r), HttpResponse.BodyHandlers.ofString());
    }

    private static long callsTo(String upstreamKey) {
        return mock.counts().byKey(upstreamKey);
    }

    private static String diagnose(String what, HttpResponse<String> response) {
        return what + " answered " + response.statusCode() + " " + response.body() + "; mock counts "
                + mock.counts() + "\n--- replica 1 log tail ---\n" + tail(replica1.log())
                + "\n--- replica 2 log tail ---\n" + tail(replica2.log());
    }

    // ------------------------------------------------------------------ seeding Redis

    private static void seed(SecretBox box) throws Exception {
        long userId = BASE_ID + 10;
        long groupId = BASE_ID + 20;
        GroupSnapshot group = new GroupSnapshot(groupId, "it-group-" + RUN, "any", "active", "standard",
                BigDecimal.ONE, null, null, null, List.of(), null, Map.of(), false, 1);
        UserSnapshot user = new UserSnapshot(userId, "it-user-" + RUN, "active", "user", null, null, 1);
        ApiKeySnapshot key = new ApiKeySnapshot(Schema.AUTH, 1, BASE_ID + 30, "it-key", TENANT_KEY.substring(0, 12),
                userId, groupId, ApiKeySnapshot.ACTIVE, null, List.of(), List.of(), null, user, group, List.of());
        await(redis.set(List.of(RedisKeys.authKey(sha256(TENANT_KEY)), JSON.writeValueAsString(AuthCacheEntry.found(key)),
                "EX", "3600")));

        ProviderKeySnapshot keyA = new ProviderKeySnapshot(KEY_A_ID, "key-a", box.seal(UPSTREAM_KEY_A),
                UPSTREAM_KEY_A.substring(UPSTREAM_KEY_A.length() - 4), null, null, 2, true);
        ProviderKeySnapshot keyB = new ProviderKeySnapshot(KEY_B_ID, "key-b", box.seal(UPSTREAM_KEY_B),
                UPSTREAM_KEY_B.substring(UPSTREAM_KEY_B.length() - 4), null, null, 1, true);
        ModelSnapshot model = new ModelSnapshot(BASE_ID + 40, MODEL, MODEL, 8192, new BigDecimal("1.00"),
                new BigDecimal("2.00"), true);
        ProviderSnapshot provider = new ProviderSnapshot(BASE_ID + 50, "it-mock-" + RUN, ProviderSnapshot.OPENAI,
                mock.baseUrl(), true, new ProviderSnapshot.Timeouts(2_000, 10_000, 10_000), Map.of(),
                List.of(keyA, keyB), List.of(model), List.of());
        long version = System.currentTimeMillis();
        CatalogSnapshot catalog = new CatalogSnapshot(Schema.CATALOG, version, Instant.now(), List.of(provider),
                List.of(), List.of(), List.of());

        Response prevSnapshot = await(redis.get(RedisKeys.CATALOG_SNAPSHOT));
        Response prevVersion = await(redis.get(RedisKeys.CATALOG_VERSION));
        previousSnapshot = prevSnapshot == null ? null : prevSnapshot.toString();
        previousVersion = prevVersion == null ? null : prevVersion.toString();
        seededSnapshot = JSON.writeValueAsString(catalog);
        await(redis.set(List.of(RedisKeys.CATALOG_SNAPSHOT, seededSnapshot)));
        await(redis.set(List.of(RedisKeys.CATALOG_VERSION, Long.toString(version))));
        await(redis.publish(RedisKeys.CATALOG_EVENTS, JSON.writeValueAsString(new CatalogEvent(version))));
    }

    /** Puts back the catalog another test had published, unless someone replaced ours meanwhile. */
    private static void restoreCatalog() {
        Response current = await(redis.get(RedisKeys.CATALOG_SNAPSHOT));
        if (current == null || !current.toString().equals(seededSnapshot)) {
            return;
        }
        if (previousSnapshot == null) {
            await(redis.del(List.of(RedisKeys.CATALOG_SNAPSHOT, RedisKeys.CATALOG_VERSION)));
        } else {
            await(redis.set(List.of(RedisKeys.CATALOG_SNAPSHOT, previousSnapshot)));
            if (previousVersion != null) {
                await(redis.set(List.of(RedisKeys.CATALOG_VERSION, previousVersion)));
            }
        }
    }

    // ------------------------------------------------------------------ processes

    private static Replica launch(String id, Path jar, String dataKeys) throws IOException {
        int port = freePort();
        int managementPort = freePort();
        Path logs = jar.getParent().getParent().resolve("it-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(id + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.redis.hosts=redis://127.0.0.1:6379/3",
                "-Dswitchboard.replica-id=" + id,
                "-Dswitchboard.cooldowns.backstop-interval=1s",
                // the 2 s Retry-After is longer than this: key A moves on at once instead of one retry
                "-Dswitchboard.failover.max-retry-wait=1s",
                "-Dquarkus.oidc.auth-server-url=http://127.0.0.1:1/realms/none",
                "-Dquarkus.log.console.json.enabled=false",
                "-Dquarkus.shutdown.delay=0s",
                "-Dquarkus.shutdown.timeout=5s",
                "-jar", jar.toString());
        pb.environment().put("SB_DATA_KEYS", dataKeys);
        pb.environment().put("AUTH_SERVICE_URL", "http://127.0.0.1:1");
        pb.environment().put("SB_INTERNAL_TOKEN", "it-internal-token");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Replica(id, port, managementPort, pb.start(), log);
    }

    private static void awaitReady(Replica r) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!r.process().isAlive()) {
                throw new AssertionError(r.id() + " exited with " + r.process().exitValue() + ":\n" + tail(r.log()));
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(r.managementUrl("/q/health/ready")))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(r.id() + " not ready within " + START_TIMEOUT + ":\n" + tail(r.log()));
    }

    private static Path buildDir() throws Exception {
        // <build dir>/test-classes, whatever -Dsb.build.dir says
        return Path.of(TwoReplicaCooldownIT.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis call failed: " + e.getMessage(), e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
