package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A provider secret appears in plaintext nowhere: not in any response, not in Redis (every key of
 * the catalog's Redis database is scanned), not in any log line.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class SecretsTest {

    @Inject
    RedisDataSource redis;

    @Test
    void secretPlaintextIsNeverInResponsesRedisOrLogs() throws Exception {
        String secret = "sk-live-" + UUID.randomUUID();
        String secret2 = "sk-live-" + UUID.randomUUID();
        // a distinctive inner part, so a partial leak is caught too (last4 is shown on purpose)
        List<String> needles = List.of(secret, secret.substring(8, 20), secret2, secret2.substring(8, 20));
        List<String> outputs = new ArrayList<>();

        try (LogCapture logs = new LogCapture()) {
            long p = Api.createProvider(unique("secret-prov"));
            Response created = admin().body(Map.of("label", "prod", "secret", secret)).post("/admin/providers/" + p + "/keys");
            created.then().statusCode(201);
            outputs.add(created.asString());
            outputs.add(created.getHeaders().toString());
            assertThat(created.jsonPath().getString("last4")).isEqualTo(secret.substring(secret.length() - 4));
            long keyId = created.jsonPath().getLong("id");

            // rejected requests carrying the secret must not echo it either
            Response rejected = admin().body(Map.of("label", "x", "secret", secret, "weight", -1, "bogus", secret))
                    .post("/admin/providers/" + p + "/keys");
            rejected.then().statusCode(422);
            outputs.add(rejected.asString());
            Response malformed = admin().body("{\"label\":\"x\",\"secret\":\"" + secret + "\",").post("/admin/providers/" + p + "/keys");
            malformed.then().statusCode(400);
            outputs.add(malformed.asString());
            Response badUrl = admin().body(Map.of("baseUrl", "https://user:" + secret + "@example.com"))
                    .patch("/admin/providers/" + p);
            badUrl.then().statusCode(422);
            outputs.add(badUrl.asString());

            Response replaced = admin().body(Map.of("secret", secret2)).patch("/admin/providers/" + p + "/keys/" + keyId);
            replaced.then().statusCode(200);
            outputs.add(replaced.asString());

            outputs.add(admin().get("/admin/providers/" + p + "/keys").asString());
            outputs.add(admin().get("/admin/providers/" + p + "/keys/" + keyId).asString());
            outputs.add(admin().get("/admin/providers/" + p).asString());
            outputs.add(admin().post("/admin/catalog/publish").asString());
            String snapshot = admin().get("/admin/catalog/snapshot").asString();
            outputs.add(snapshot);
            assertThat(snapshot).contains("\"id\":" + keyId);
            outputs.add(admin().post("/admin/provider-keys/rotate-encryption").asString());

            outputs.addAll(redisContents());

            for (String needle : needles) {
                assertThat(outputs).noneMatch(o -> o.contains(needle));
                assertThat(logs.lines).noneMatch(l -> l.text().contains(needle));
            }
            assertThat(logs.lines).as("the capture really saw the application's log lines")
                    .anyMatch(l -> l.text().contains("published catalog version"));
        }
    }

    /** Every string and hash value in the catalog's Redis database (bounded scan). */
    private List<String> redisContents() {
        List<String> out = new ArrayList<>();
        String cursor = "0";
        int rounds = 0;
        do {
            var page = redis.execute("SCAN", cursor, "COUNT", "500");
            cursor = page.get(0).toString();
            for (var k : page.get(1)) {
                String key = k.toString();
                String type = redis.execute("TYPE", key).toString();
                if (type.equals("string")) {
                    out.add(redis.execute("GET", key).toString());
                } else if (type.equals("hash")) {
                    out.add(redis.execute("HGETALL", key).toString());
                }
            }
        } while (!cursor.equals("0") && ++rounds < 1000);
        assertThat(out).as("the scan found the published snapshot")
                .anyMatch(v -> v.contains("\"providers\""));
        assertThat(redis.execute("EXISTS", RedisKeys.CATALOG_SNAPSHOT).toLong()).isEqualTo(1L);
        return out;
    }
}
