package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;

import dev.switchboard.auth.service.KeySecrets;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.junit.jupiter.api.Test;

/** Health, metrics and request ids, as an operator sees them. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationsTest {

    @Test
    void readinessChecksPostgresAndRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "Redis connection health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsCountSnapshotLookupsBySource() {
        InternalSnapshotEndpointTest.relay()
                .get(InternalSnapshotEndpointTest.PATH + KeySecrets.sha256Hex("sk-sb-metrics-" + System.nanoTime()))
                .then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("switchboard_auth_snapshot_lookups_total{result=\"not_found\",source=\"database\"}"))
                .body(containsString("http_server_requests_seconds_count"));
    }

    @Test
    void logLinesOfARequestCarryItsRequestId() {
        java.util.List<org.jboss.logmanager.ExtLogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r instanceof org.jboss.logmanager.ExtLogRecord ext && r.getLoggerName().startsWith("dev.switchboard")) {
                    ext.copyMdc();
                    records.add(ext);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(h);
        try {
            String name = Api.unique("mdc");
            Api.admin().header("x-request-id", "op-" + name).body(java.util.Map.of("name", name)).post("/admin/groups").then()
                    .statusCode(201);
            org.assertj.core.api.Assertions.assertThat(records)
                    .filteredOn(r -> r.getFormattedMessage().contains("created"))
                    .isNotEmpty()
                    .allMatch(r -> ("op-" + name).equals(r.getMdc("requestId")));
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(h);
        }
    }

    @Test
    void everyAnswerCarriesARequestId() {
        given().get("/admin/users").then().statusCode(401).header("x-request-id", matchesPattern("[0-9a-f-]{36}"));
        given().header("x-request-id", "relay-abc-123").auth().oauth2(Tokens.VIEWER).get("/admin/users").then()
                .statusCode(200).header("x-request-id", equalTo("relay-abc-123"));
    }
}
