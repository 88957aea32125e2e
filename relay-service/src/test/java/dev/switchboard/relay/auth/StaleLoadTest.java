package dev.switchboard.relay.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.AuthEvent;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.LogCapture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A lookup that auth-service answered before a revocation, arriving after it, is not cached. */
@QuarkusTest
@QuarkusTestResource(AuthServiceStub.class)
class StaleLoadTest extends RelayTestBase {

    private String model;

    @BeforeEach
    void seed() {
        model = Fixture.unique("stale-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
    }

    @AfterEach
    void release() {
        CompletableFuture<Void> h = AuthServiceStub.hold;
        AuthServiceStub.hold = null;
        if (h != null) {
            h.complete(null);
        }
    }

    private int status(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions").statusCode();
    }

    @Test
    void aClientLeavingWhileItsKeyIsLookedUpLeavesNoErrorAndNoStackTrace() throws Exception {
        try (LogCapture capture = LogCapture.start(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                && r.getLoggerName() != null && !r.getLoggerName().startsWith("io.quarkus.oidc"))) {
            List<String> errors = capture.messages();
            String key = Fixture.newSecret();
            String sha = TenantAuthenticator.sha256Hex(key);
            AuthServiceStub.answers.put(sha, fx.json(AuthCacheEntry.found(Fixture.key(Fixture.group(List.of(), Map.of())))));
            CompletableFuture<Void> hold = AuthServiceStub.holdAnswers();
            String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(AuthServiceStub.arrived.get(5, TimeUnit.SECONDS)).isEqualTo(sha);
            } // the client is gone while its key is looked up
            Fixture.sleep(200);
            AuthServiceStub.hold = null;
            hold.complete(null);
            Fixture.sleep(500);
            assertThat(status(key)).as("the key, loaded meanwhile, serves the next request").isEqualTo(200);
            assertThat(errors).isEmpty();
        }
    }

    @Test
    void aHeldActiveAnswerArrivingAfterTheRevocationIsNotCached() throws Exception {
        ApiKeySnapshot active = Fixture.key(Fixture.group(List.of(), Map.of()));
        String key = Fixture.newSecret();
        String sha = TenantAuthenticator.sha256Hex(key);
        AuthServiceStub.answers.put(sha, fx.json(AuthCacheEntry.found(active)));
        CompletableFuture<Void> hold = AuthServiceStub.holdAnswers();

        // the first request misses L1 and Redis: auth-service has read the active key and holds its answer
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> status(key));
        assertThat(AuthServiceStub.arrived.get(5, TimeUnit.SECONDS)).isEqualTo(sha);

        // the revocation lands meanwhile: Redis rewritten, the event published, the epoch bumped
        ApiKeySnapshot revoked = new ApiKeySnapshot(active.v(), active.version() + 1, active.apiKeyId(), active.name(),
                active.keyPrefix(), active.userId(), active.groupId(), ApiKeySnapshot.REVOKED, null, active.ipAllow(),
                active.ipDeny(), active.rpmLimit(), active.user(), active.group(), active.fallbackGroups());
        fx.seedKey(key, revoked);
        AuthServiceStub.answers.put(sha, fx.json(AuthCacheEntry.found(revoked)));
        redis.value(String.class).incr(RedisKeys.AUTH_EPOCH);
        redis.pubsub(String.class).publish(RedisKeys.AUTH_EVENTS, fx.json(new AuthEvent(AuthEvent.KEY,
                active.apiKeyId(), revoked.version(), List.of(sha))));
        Fixture.sleep(300); // the relay receives the event
        assertThat(status(key)).as("a request after the invalidation does not wait for the older lookup").isEqualTo(403);

        AuthServiceStub.hold = null;
        hold.complete(null); // the old, active answer arrives after the invalidation
        first.get(10, TimeUnit.SECONDS);

        assertThat(status(key)).as("the revoked key, not the resurrected active one").isEqualTo(403);
    }
}
