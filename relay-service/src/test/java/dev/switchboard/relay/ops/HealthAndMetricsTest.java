package dev.switchboard.relay.ops;

import dev.switchboard.relay.support.Management;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.health.CatalogReadiness;
import dev.switchboard.relay.store.CatalogStore;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndMetricsTest extends RelayTestBase {

    @Inject
    CatalogStore catalogStore;
    @Inject
    Vertx vertx;
    @Inject
    RelayConfig config;
    @Inject
    dev.switchboard.relay.store.RedisStatus redisStatus;

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        assertThat(Management.port()).isNotEqualTo(io.restassured.RestAssured.port);
        given().when().get("/q/health/ready").then().statusCode(404);
        given().when().get("/q/metrics").then().statusCode(404);
        Management.given().when().get("/q/health/live").then().statusCode(200);
        Management.given().when().get("/v1/models").then().statusCode(404);
    }

    @Test
    void readyOnceACatalogIsLoaded() {
        fx.publish(List.of(), List.of(), List.of(), List.of());
        Management.given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'relay' }.data.catalogLoaded", equalTo(true));
        Management.given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void notReadyBeforeTheFirstCatalogIsLoaded() {
        CatalogHolder empty = new CatalogHolder(catalogStore, vertx, config); // never started: nothing loaded
        HealthCheckResponse r = new CatalogReadiness(empty, redisStatus).call();
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow()).containsEntry("catalogLoaded", false).containsEntry("redis", "up");
    }

    @Test
    void requestsLatenciesFailoversAndAuthCacheAreExported() {
        String model = Fixture.unique("metrics-model");
        String provider = Fixture.unique("metrics-prov");
        fx.publish(List.of(Fixture.provider(provider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a"), Fixture.providerKey("k2", "up-b")),
                List.of(Fixture.model(model, "gpt-m")))), List.of(), List.of(), List.of());
        mock.addFault(new dev.switchboard.mock.FaultRule("up-a", "gpt-m", "status=429;retry-after=30", 1));
        String key = fx.tenant();
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + key).contentType("application/json")
                    .body("{\"model\":\"" + model + "\",\"stream\":" + (i == 1)
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                    .when().post("/v1/chat/completions").then().statusCode(200);
        }
        String metrics = Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("switchboard_relay_requests_total{endpoint=\"chat_completions\",model=\"" + model
                        + "\",provider=\"" + provider + "\",status=\"200\"}")
                .contains("switchboard_relay_upstream_duration_seconds_bucket{outcome=\"ok\",provider=\"" + provider + "\"")
                .contains("switchboard_relay_upstream_ttfb_seconds_bucket{provider=\"" + provider + "\"")
                .contains("switchboard_relay_overhead_seconds_bucket{endpoint=\"chat_completions\"")
                .contains("switchboard_relay_failovers_total{provider=\"" + provider + "\"")
                .contains("switchboard_relay_streams_active")
                .contains("switchboard_auth_cache_total{result=\"hit\"}")
                .contains("switchboard_auth_cache_total{result=\"miss\"}");
    }
}
