package dev.switchboard.relay.failover;

import dev.switchboard.relay.support.Management;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.store.CooldownStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = OidcTestServer.class, restrictToAnnotatedClass = true)
class CooldownAdminResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    CooldownStore store;

    @Inject
    CooldownService cooldowns;

    private static String scope() {
        return "key_model:" + System.nanoTime() + ":admin-test-" + UUID.randomUUID();
    }

    private CooldownState seed(String scope, long until) {
        CooldownState s = new CooldownState(scope, until, "rate_limited", 2, "replica-x", true);
        store.extend(s, Duration.ofMinutes(5)).await().atMost(WAIT);
        return s;
    }

    @Test
    void listReturns401WithoutToken() {
        given().when().get("/admin/cooldowns").then().statusCode(401);
    }

    @Test
    void listReturns403ForATokenWithoutASwitchboardRole() {
        given().auth().oauth2(OidcTestServer.token("user")).when().get("/admin/cooldowns").then().statusCode(403);
    }

    @Test
    void listShowsEveryCooldownToAViewer() {
        String cooling = scope();
        String halfOpen = scope();
        long now = System.currentTimeMillis();
        seed(cooling, now + 90_000);
        seed(halfOpen, now - 5_000);

        JsonPath body = given().auth().oauth2(OidcTestServer.token("switchboard-viewer"))
                .when().get("/admin/cooldowns")
                .then().statusCode(200).contentType("application/json").extract().jsonPath();

        Map<String, Object> entry = body.getMap("find { it.scope == '" + cooling + "' }");
        assertThat(entry).containsEntry("scopeKind", "key_model").containsEntry("state", "cooling")
                .containsEntry("reason", "rate_limited").containsEntry("strikes", 2)
                .containsEntry("replica", "replica-x").containsEntry("rateLimited", true)
                .containsEntry("until", Instant.ofEpochMilli(now + 90_000).toString());
        assertThat(((Number) entry.get("untilEpochMs")).longValue()).isEqualTo(now + 90_000);
        assertThat(((Number) entry.get("secondsLeft")).longValue()).isBetween(60L, 90L);
        Map<String, Object> open = body.getMap("find { it.scope == '" + halfOpen + "' }");
        assertThat(open).containsEntry("state", "half_open").containsEntry("secondsLeft", 0);
        store.clear(cooling, "test").await().atMost(WAIT);
        store.clear(halfOpen, "test").await().atMost(WAIT);
    }

    @Test
    void listIsOpenToAnAdmin() {
        given().auth().oauth2(OidcTestServer.token("switchboard-admin"))
                .when().get("/admin/cooldowns").then().statusCode(200);
    }

    @Test
    void deleteReturns401WithoutToken() {
        String scope = scope();
        seed(scope, System.currentTimeMillis() + 60_000);

        given().when().delete("/admin/cooldowns/" + scope).then().statusCode(401);

        assertThat(store.get(scope).await().atMost(WAIT)).isNotNull();
        store.clear(scope, "test").await().atMost(WAIT);
    }

    @Test
    void deleteReturns403ForAViewer() {
        String scope = scope();
        seed(scope, System.currentTimeMillis() + 60_000);

        given().auth().oauth2(OidcTestServer.token("switchboard-viewer"))
                .when().delete("/admin/cooldowns/" + scope).then().statusCode(403);

        assertThat(store.get(scope).await().atMost(WAIT)).isNotNull();
        store.clear(scope, "test").await().atMost(WAIT);
    }

    @Test
    void deleteClearsTheCooldownInRedisAndInTheNearCache() {
        String scope = scope();
        seed(scope, System.currentTimeMillis() + 60_000);
        CooldownFixtures.await(() -> cooldowns.get(scope) != null, WAIT, "the relay learns the seeded cooldown");

        given().auth().oauth2(OidcTestServer.token("switchboard-admin"))
                .when().delete("/admin/cooldowns/" + scope).then().statusCode(204);

        assertThat(store.get(scope).await().atMost(WAIT)).isNull();
        assertThat(cooldowns.get(scope)).isNull();
    }

    @Test
    void deleteReturns404ForAScopeWithoutCooldown() {
        given().auth().oauth2(OidcTestServer.token("switchboard-admin"))
                .when().delete("/admin/cooldowns/" + scope())
                .then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("title", equalTo("Not Found"));
    }

    @Test
    void prometheusShowsCooldownsSetActiveAndProbes() {
        var candidate = CooldownFixtures.uniqueCandidate();
        String scope = CooldownFixtures.keyModelScope(candidate);
        cooldowns.onFailure(candidate, CooldownFixtures.rateLimited(Duration.ofSeconds(120)));
        CooldownFixtures.await(() -> store.get(scope).await().atMost(WAIT) != null, WAIT, "cooldown in Redis");
        cooldowns.tryAcquireProbe(scope).await().atMost(WAIT);

        // the active gauge counts the near cache of the running service (not of one an earlier application stopped)
        CooldownFixtures.await(() -> activeGauge(Management.given().when().get("/q/metrics").then().statusCode(200).extract()
                .asString()) >= 1, WAIT, "active gauge");
        String metrics = Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics).containsPattern(
                "switchboard_cooldowns_set_total\\{[^}]*reason=\"rate_limited\"[^}]*scope_kind=\"key_model\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("switchboard_cooldowns_active(\\{[^}]*})? [1-9]");
        assertThat(metrics).containsPattern("switchboard_probes_total\\{[^}]*outcome=\"busy\"[^}]*} [1-9]");
        cooldowns.clear(scope).await().atMost(WAIT);
    }

    @Test
    void theOpenApiDocumentDescribesBothOperations() {
        JsonPath doc = given().when().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();

        assertThat(doc.getMap("paths.'/admin/cooldowns'.get")).containsKey("summary");
        Map<String, Object> delete = doc.getMap("paths.'/admin/cooldowns/{scope}'.delete");
        assertThat(delete).containsKey("summary");
        assertThat(doc.getMap("paths.'/admin/cooldowns/{scope}'.delete.responses")).containsKeys("204", "401", "403",
                "404");
    }

    /** The value of {@code switchboard_cooldowns_active} in a Prometheus scrape, or -1 when absent. */
    private static double activeGauge(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("switchboard_cooldowns_active"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
