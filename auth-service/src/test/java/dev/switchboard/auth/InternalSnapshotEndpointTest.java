package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The relay's endpoint: token guard, Redis hit, database load, negative answers. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class InternalSnapshotEndpointTest {

    static final String TOKEN = "test-internal-token-0123456789";
    static final String PATH = "/internal/v1/auth-snapshots/";

    @Inject
    RedisEntries redis;

    static RequestSpecification relay() {
        return given().header("x-switchboard-service-token", TOKEN);
    }

    @Test
    void refusesMissingOrWrongServiceToken() {
        String hash = KeySecrets.sha256Hex("sk-sb-" + UUID.randomUUID());
        given().get(PATH + hash).then().statusCode(401).contentType("application/problem+json");
        given().header("x-switchboard-service-token", TOKEN + "x").get(PATH + hash).then().statusCode(401);
        given().header("x-switchboard-service-token", "").get(PATH + hash).then().statusCode(401);
        // An admin bearer token is not a service token.
        given().auth().oauth2(Tokens.ADMIN).get(PATH + hash).then().statusCode(401);
        assertThat(redis.raw(hash)).as("nothing cached for a refused call").isNull();
    }

    @Test
    void servesFromRedisAndReloadsFromDatabaseOnAMiss() {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        relay().get(PATH + hash).then().statusCode(200).body("notFound", equalTo(false))
                .body("snapshot.apiKeyId", equalTo(created.getInt("apiKey.id"))).body("snapshot.status", equalTo("active"));

        redis.delete(hash);
        relay().get(PATH + hash).then().statusCode(200).body("snapshot.apiKeyId", equalTo(created.getInt("apiKey.id")));
        AuthCacheEntry written = redis.entry(hash);
        assertThat(written).as("loader wrote the entry back").isNotNull();
        assertThat(written.snapshot().apiKeyId()).isEqualTo(created.getLong("apiKey.id"));
        // An uppercase hash is the same key.
        relay().get(PATH + hash.toUpperCase()).then().statusCode(200);
    }

    @Test
    void answersRevokedKeysWithTheirStatus() {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        Api.admin().post("/admin/keys/" + created.getLong("apiKey.id") + "/revoke").then().statusCode(200);
        redis.delete(hash);
        relay().get(PATH + hash).then().statusCode(200).body("snapshot.status", equalTo("revoked"));
    }

    @Test
    void unknownKeyIs404AndCachedNegatively() {
        String hash = KeySecrets.sha256Hex("sk-sb-unknown-" + UUID.randomUUID());
        relay().get(PATH + hash).then().statusCode(404).body("notFound", equalTo(true)).body("version", equalTo(0));
        AuthCacheEntry cached = redis.entry(hash);
        assertThat(cached.notFound()).isTrue();
        assertThat(redis.ttlSeconds(hash)).isBetween(1L, 300L);
    }

    @Test
    void malformedEmptyAndOverLongHashesAre404NeverA500() {
        for (String bad : new String[] {"abc", "g".repeat(64), "a".repeat(65), "a".repeat(2000), "%20", "..%2F..%2Fetc",
                "%27%20OR%201%3D1%20--"}) {
            int status = relay().urlEncodingEnabled(false).get(PATH + bad).statusCode();
            assertThat(status).as(bad).isEqualTo(404);
        }
        relay().get(PATH).then().statusCode(404).body("notFound", equalTo(true));
        relay().get(PATH.substring(0, PATH.length() - 1)).then().statusCode(404);
        // Hashes of malformed, empty and over-long tenant keys are ordinary unknown hashes.
        for (String key : new String[] {"", "not-a-key", "sk-sb-" + "x".repeat(5000)}) {
            String hash = KeySecrets.sha256Hex(key);
            relay().get(PATH + hash).then().statusCode(404);
            assertThat(redis.entry(hash).notFound()).isTrue();
        }
    }
}
