package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.unique;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared tenant namespace (409 with the name), references (409 listing them), cascade, PATCH merge. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NamespaceAndReferencesTest {

    @Test
    void sameModelNameOnTwoProvidersIsOneModelNotACollision() {
        String model = unique("shared-model");
        Api.createModel(Api.createProvider(unique("ns-a")), model);
        Api.createModel(Api.createProvider(unique("ns-b")), model);
    }

    @Test
    void poolClusterAndModelNamesCollideWith409NamingTheConflict() {
        String provider = unique("ns-prov");
        long p = Api.createProvider(provider);
        String model = unique("ns-model");
        Api.createModel(p, model);
        String pool = unique("ns-pool");
        Api.createPool(pool, provider, model);
        String cluster = unique("ns-cluster");
        Api.createCluster(cluster, List.of(Map.of("name", pool)));

        // a pool may not take a model's or a cluster's name (case-insensitively)
        admin().body(Map.of("name", model.toUpperCase(), "members", List.of(Map.of("provider", provider, "model", model))))
                .post("/admin/pools").then().statusCode(409).contentType("application/problem+json")
                .body("conflict", equalTo(model.toUpperCase()));
        admin().body(Map.of("name", cluster, "members", List.of(Map.of("provider", provider, "model", model))))
                .post("/admin/pools").then().statusCode(409).body("conflict", equalTo(cluster));
        // a cluster may not take a pool's or a model's name
        admin().body(Map.of("name", pool, "members", List.of(Map.of("name", model))))
                .post("/admin/clusters").then().statusCode(409).body("conflict", equalTo(pool));
        admin().body(Map.of("name", model, "members", List.of(Map.of("name", pool))))
                .post("/admin/clusters").then().statusCode(409).body("conflict", equalTo(model));
        // a model may not take a pool's or a cluster's name, on any provider
        long other = Api.createProvider(unique("ns-other"));
        admin().body(Map.of("name", pool)).post("/admin/providers/" + other + "/models").then().statusCode(409)
                .body("conflict", equalTo(pool));
        admin().body(Map.of("name", cluster)).post("/admin/providers/" + other + "/models").then().statusCode(409)
                .body("conflict", equalTo(cluster));
        // the same model twice on one provider
        admin().body(Map.of("name", model)).post("/admin/providers/" + p + "/models").then().statusCode(409);
        // renames are checked too
        long poolId = admin().get("/admin/pools?size=500").jsonPath().getLong("items.find { it.name == '" + pool + "' }.id");
        admin().body(Map.of("name", cluster)).patch("/admin/pools/" + poolId).then().statusCode(409)
                .body("conflict", equalTo(cluster));
        // duplicate provider name
        admin().body(Map.of("name", provider, "protocol", "openai", "baseUrl", "https://x.example"))
                .post("/admin/providers").then().statusCode(409).body("conflict", equalTo(provider));
    }

    @Test
    void deletingAReferencedPoolAnswers409ListingReferencesAndCascadeRemovesThem() {
        String provider = unique("ref-prov");
        long p = Api.createProvider(provider);
        String model = unique("ref-model");
        Api.createModel(p, model);
        String pool = unique("ref-pool");
        long poolId = Api.createPool(pool, provider, model);
        String cluster = unique("ref-cluster");
        long clusterId = Api.createCluster(cluster, List.of(Map.of("name", pool), Map.of("name", model)));
        long routeId = Api.createRoute(unique("ref") + "-*", "pool", pool);

        admin().delete("/admin/pools/" + poolId).then().statusCode(409).contentType("application/problem+json")
                .body("references.kind", containsInAnyOrder("cluster_member", "route"))
                .body("references.owner", hasItem(cluster));
        admin().get("/admin/pools/" + poolId).then().statusCode(200);

        admin().delete("/admin/pools/" + poolId + "?cascade=true").then().statusCode(204);
        admin().get("/admin/pools/" + poolId).then().statusCode(404);
        admin().get("/admin/routes/" + routeId).then().statusCode(404);
        admin().get("/admin/clusters/" + clusterId).then().statusCode(200)
                .body("members", hasSize(1)).body("members[0].name", equalTo(model));
    }

    @Test
    void deletingAReferencedProviderOrModelAnswers409AndCascades() {
        String provider = unique("refp-prov");
        long p = Api.createProvider(provider);
        String model = unique("refp-model");
        long modelId = Api.createModel(p, model);
        String pool = unique("refp-pool");
        long poolId = Api.createPool(pool, provider, model);
        long clusterId = Api.createCluster(unique("refp-cluster"), List.of(Map.of("name", pool), Map.of("name", model)));
        long routeId = Api.createRoute(unique("refp") + "-*", "provider", provider);

        admin().delete("/admin/providers/" + p + "/models/" + modelId).then().statusCode(409)
                .body("references.kind", containsInAnyOrder("pool_member", "cluster_member"));
        admin().delete("/admin/providers/" + p).then().statusCode(409)
                .body("references.kind", containsInAnyOrder("pool_member", "cluster_member", "route"));
        admin().get("/admin/providers/" + p).then().statusCode(200);

        admin().delete("/admin/providers/" + p + "?cascade=true").then().statusCode(204);
        admin().get("/admin/routes/" + routeId).then().statusCode(404);
        admin().get("/admin/pools/" + poolId).then().statusCode(200).body("members", hasSize(0));
        admin().get("/admin/clusters/" + clusterId).then().statusCode(200)
                .body("members.name", equalTo(List.of(pool)));
    }

    @Test
    void clusterMemberModelStaysValidWhileAnotherProviderStillOffersIt() {
        String model = unique("twice-model");
        long a = Api.createProvider(unique("twice-a"));
        long modelA = Api.createModel(a, model);
        Api.createModel(Api.createProvider(unique("twice-b")), model);
        Api.createCluster(unique("twice-cluster"), List.of(Map.of("name", model)));
        admin().delete("/admin/providers/" + a + "/models/" + modelA).then().statusCode(204);
    }

    @Test
    void patchKeepsFieldsItDoesNotName() {
        String provider = unique("merge-prov");
        long p = Api.createProvider(provider);
        String model = unique("merge-model");
        Api.createModel(p, model);
        String pool = unique("merge-pool");
        Api.createPool(pool, provider, model);
        long route = admin().body(Map.of("pattern", unique("merge") + "-*", "targetKind", "provider",
                        "target", provider, "priority", 7, "enabled", false))
                .post("/admin/routes").then().statusCode(201).extract().jsonPath().getLong("id");

        // renaming the pattern neither re-enables the route, nor resets the priority, nor changes the target
        admin().body(Map.of("pattern", unique("merge2") + "-*")).patch("/admin/routes/" + route).then().statusCode(200)
                .body("enabled", equalTo(false)).body("priority", equalTo(7))
                .body("targetKind", equalTo("provider")).body("target", equalTo(provider));
        // changing only the target name keeps the kind
        admin().body(Map.of("targetKind", "pool", "target", pool)).patch("/admin/routes/" + route).then().statusCode(200);
        admin().body(Map.of("priority", 3)).patch("/admin/routes/" + route).then().statusCode(200)
                .body("target", equalTo(pool)).body("targetKind", equalTo("pool")).body("enabled", equalTo(false));

        // provider: timeouts merge field by field, headers and rules stay when not named
        admin().body(Map.of("timeouts", Map.of("connectMs", 1234), "headers", Map.of("x-org", "acme"),
                        "failoverRules", List.of(Map.of("status", 400, "bodyContains", "overloaded", "action", "retry",
                                "scope", "provider_model", "cooldownSeconds", 30, "reason", "overloaded_400")),
                        "enabled", false))
                .patch("/admin/providers/" + p).then().statusCode(200);
        admin().body(Map.of("timeouts", Map.of("idleMs", 9999))).patch("/admin/providers/" + p).then().statusCode(200)
                .body("timeouts.connectMs", equalTo(1234)).body("timeouts.idleMs", equalTo(9999))
                .body("timeouts.firstByteMs", equalTo(60000))
                .body("headers.x-org", equalTo("acme")).body("enabled", equalTo(false))
                .body("failoverRules[0].reason", equalTo("overloaded_400"))
                .body("failoverRules[0].scope", equalTo("provider_model"));
    }
}
