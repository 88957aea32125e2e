package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cluster → pool → member chains, the group overlay, /v1/models and explain, end to end. */
@QuarkusTest
class ResolutionTest extends RelayTestBase {

    private String cluster;
    private String pool;
    private String modelA;
    private String modelB;
    private String providerA;
    private String providerB;

    @BeforeEach
    void seed() {
        cluster = Fixture.unique("coding-fast");
        pool = Fixture.unique("gpt-pool");
        modelA = Fixture.unique("model-a");
        modelB = Fixture.unique("model-b");
        providerA = Fixture.unique("prov-a");
        providerB = Fixture.unique("prov-b");
        ProviderSnapshot a = Fixture.provider(providerA, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("a1", "up-a")), List.of(Fixture.model(modelA, "upstream-a")));
        ProviderSnapshot b = Fixture.provider(providerB, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("b1", "up-b")), List.of(Fixture.model(modelB, "upstream-b")));
        PoolSnapshot p = Fixture.pool(pool, PoolSnapshot.PRIORITY, List.of(
                new PoolSnapshot.Member(b.id(), modelB, 1, 1, true),
                new PoolSnapshot.Member(a.id(), modelA, 2, 1, true)));
        ClusterSnapshot c = Fixture.cluster(cluster, List.of(
                new ClusterSnapshot.Member(ClusterSnapshot.POOL, pool),
                new ClusterSnapshot.Member(ClusterSnapshot.MODEL, modelA)));
        fx.publish(List.of(a, b), List.of(p), List.of(c), List.of());
    }

    private String chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions")
                .then().statusCode(200).extract().header("x-switchboard-provider");
    }

    @Test
    void clusterResolvesThroughThePoolToItsFirstMember() {
        String key = fx.tenant();
        assertThat(chat(key, cluster)).isEqualTo(providerB);
        assertThat(mock.counts().by("/v1/chat/completions", "upstream-b", "up-b")).isEqualTo(1);
        assertThat(mock.counts().total()).isEqualTo(1);
    }

    @Test
    void clusterFailsOverToTheNextMemberWhenTheFirstFails() {
        String key = fx.tenant();
        mock.addFault(new dev.switchboard.mock.FaultRule("up-b", "upstream-b", "status=503", 1));
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + cluster + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-switchboard-provider", providerA)
                .header("x-switchboard-attempts", "2");
        assertThat(mock.counts().by("/v1/chat/completions", "upstream-b", "up-b")).isEqualTo(1);
        assertThat(mock.counts().by("/v1/chat/completions", "upstream-a", "up-a")).isEqualTo(1);
    }

    @Test
    void groupOverlayReplacesTheRequestedModel() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of("gpt-4*", List.of(modelA)))));
        assertThat(chat(key, "gpt-4o")).isEqualTo(providerA);
        assertThat(mock.counts().by("/v1/chat/completions", "upstream-a", "up-a")).isEqualTo(1);
    }

    @Test
    void explainListsTheChainInOrderWithoutSecrets() {
        String key = fx.tenant();
        String body = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + cluster + "\"}")
                .when().post("/v1/route/explain")
                .then().statusCode(200)
                .body("known", equalTo(true))
                .body("resolved_via", notNullValue())
                .body("candidates.provider", equalTo(List.of(providerB, providerA)))
                .body("candidates.upstream_model", equalTo(List.of("upstream-b", "upstream-a")))
                .body("candidates.key", equalTo(List.of("b1", "a1")))
                .extract().asString();
        assertThat(body).doesNotContain("up-a").doesNotContain("up-b").doesNotContain("dev:");
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void explainShowsModelsTheGroupMayNotUse() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of(modelA), Map.of())));
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + cluster + "\"}")
                .when().post("/v1/route/explain")
                .then().statusCode(200)
                .body("candidates.provider", everyItem(equalTo(providerA)))
                .body("skipped.reason", hasItem("not_allowed"));
    }

    @Test
    void modelsListCarriesOpenAiAndAnthropicFields() {
        String key = fx.tenant();
        given().header("Authorization", "Bearer " + key)
                .when().get("/v1/models")
                .then().statusCode(200)
                .body("object", equalTo("list"))
                .body("has_more", equalTo(false))
                .body("data.id", hasItem(cluster))
                .body("data.id", hasItem(pool))
                .body("data.id", hasItem(modelA))
                .body("data.id", not(hasItem("*")))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", notNullValue())
                .body("data[0].created", notNullValue())
                .body("data[0].type", equalTo("model"))
                .body("data[0].display_name", notNullValue())
                .body("data[0].created_at", notNullValue())
                .body("first_id", notNullValue())
                .body("last_id", notNullValue());
    }

    @Test
    void modelsListIsLimitedToTheGroupsAllowedModels() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of(modelB), Map.of())));
        given().header("Authorization", "Bearer " + key)
                .when().get("/v1/models")
                .then().statusCode(200)
                .body("data.id", hasItem(modelB))
                .body("data.id", not(hasItem(modelA)));
    }

    @Test
    void singleModelLookup() {
        String key = fx.tenant();
        given().header("Authorization", "Bearer " + key).when().get("/v1/models/" + cluster)
                .then().statusCode(200).body("id", equalTo(cluster)).body("object", equalTo("model"));
        given().header("Authorization", "Bearer " + key).when().get("/v1/models/nope-" + cluster)
                .then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }
}
