package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.switchboard.auth.service.KeySecrets;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis unreachable: readiness goes down and the internal endpoint refuses instead of flooding PostgreSQL. */
@QuarkusTest
@TestProfile(RedisDownTest.NoRedis.class)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class RedisDownTest {

    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 1 on loopback: connection refused at once.
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1/1");
        }
    }

    @Test
    void readinessIsDownWithoutRedis() {
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Redis connection health check' }.status", equalTo("DOWN"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void internalLookupAnswers503WithoutRedis() {
        InternalSnapshotEndpointTest.relay()
                .get(InternalSnapshotEndpointTest.PATH + KeySecrets.sha256Hex("sk-sb-any-" + System.nanoTime()))
                .then().statusCode(503).contentType("application/problem+json").body("status", equalTo(503));
    }

    @Test
    void adminChangesSayTheCacheWasNotUpdated() {
        long user = Api.createUser();
        long group = Api.createGroup();
        // A new secret is shown even so (it exists only in this answer), with a warning.
        long key = Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group)).post("/admin/keys").then()
                .statusCode(201).body("key", org.hamcrest.Matchers.startsWith("sk-sb-"))
                .body("warning", org.hamcrest.Matchers.containsString("/admin/snapshots/rebuild")).extract().jsonPath()
                .getLong("apiKey.id");
        // Other changes answer 503 and say the change itself is saved.
        Api.admin().post("/admin/keys/" + key + "/revoke").then().statusCode(503)
                .body("detail", org.hamcrest.Matchers.containsString("saved"));
        Api.admin().get("/admin/keys/" + key).then().statusCode(200).body("status", equalTo("revoked"));
        Api.admin().post("/admin/snapshots/rebuild").then().statusCode(503);
    }

    @Test
    void postgresStaysUpInReadiness() {
        given().get("/q/health/ready").then().body("checks.name", hasItem("Database connections health check"))
                .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));
    }
}
