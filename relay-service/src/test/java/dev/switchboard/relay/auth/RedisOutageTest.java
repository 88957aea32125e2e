package dev.switchboard.relay.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RedisGate;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis and auth-service both unreachable: a key the relay never saw cannot be verified, so it gets
 * 503 auth_unavailable, never 401; a key already in L1 keeps working, even past its freshness (the
 * stale entry serves up to switchboard.auth.stale-ttl), since the catalog is in memory and limits fail open.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.Profile.class)
@QuarkusTestResource(AuthServiceStub.class)
class RedisOutageTest extends RelayTestBase {

    /** The relay's Redis behind a gate the test can cut; L1 entries fresh for 1 s only. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.auth.positive-ttl", "1s", "switchboard.auth.negative-ttl", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisGate.class));
        }
    }

    @AfterEach
    void restore() {
        RedisGate.restore();
        AuthServiceStub.unreachable = false;
    }

    private ValidatableResponse chat(String model, String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions").then();
    }

    @Test
    void uncachedKeyGets503NeverA401WhileACachedKeyKeepsWorking() {
        String model = Fixture.unique("outage-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
        String cached = fx.tenant();
        String neverSeen = fx.tenant(); // valid, in Redis, but not in this relay's L1
        chat(model, cached).statusCode(200);
        Fixture.sleep(1_200); // past positive-ttl: only the stale fallback can serve it now

        RedisGate.cut();
        AuthServiceStub.unreachable = true;

        chat(model, neverSeen).statusCode(503).header("retry-after", "1")
                .body("error.code", equalTo("auth_unavailable"));
        chat(model, Fixture.newSecret()).statusCode(503).body("error.code", equalTo("auth_unavailable"));
        chat(model, cached).statusCode(200);

        // both back: the key the relay could not verify works
        RedisGate.restore();
        AuthServiceStub.unreachable = false;
        chat(model, neverSeen).statusCode(200);
    }
}
