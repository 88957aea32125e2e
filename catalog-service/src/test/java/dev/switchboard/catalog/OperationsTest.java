package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness, metrics and request ids on log lines. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OperationsTest {

    @Test
    void readinessChecksDatabaseRedisAndPublishedCatalog() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("catalog-published", "Database connections health check",
                        "Redis connection health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsExposePublishTimingAndHttpRequests() {
        admin().post("/admin/catalog/publish").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("switchboard_catalog_publish_seconds_count"))
                .body(containsString("switchboard_catalog_version"))
                .body(containsString("http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/admin/catalog/publish\"}"));
    }

    @Test
    void requestIdIsEchoedAndCarriedByEveryLogLineOfTheRequest() {
        try (LogCapture logs = new LogCapture()) {
            admin().header("x-request-id", "req-catalog-test-42")
                    .body(Map.of("name", unique("rid"), "protocol", "anthropic", "baseUrl", "https://api.example.com"))
                    .post("/admin/providers").then().statusCode(201)
                    .header("x-request-id", equalTo("req-catalog-test-42"));
            assertThat(logs.lines).filteredOn(l -> l.text().startsWith("catalog change committed: provider"))
                    .isNotEmpty()
                    .allMatch(l -> "req-catalog-test-42".equals(l.requestId()));
        }
        String generated = admin().get("/admin/providers").then().statusCode(200).extract().header("x-request-id");
        assertThat(generated).isNotBlank();
        admin().header("x-request-id", "bad id with spaces\r\n").get("/admin/providers").then()
                .header("x-request-id", org.hamcrest.Matchers.not(containsString(" ")));
    }
}
