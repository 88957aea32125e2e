package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.as;
import static dev.switchboard.catalog.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every admin endpoint: 401 without a token, 403 with a wrong role, 2xx with the right one. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class SecurityTest {

    /** method, path, write? ({p} provider, {k} key, {m} model, {pool}, {c} cluster, {r} route) */
    record Endpoint(String method, String path, boolean write) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint("GET", "/admin/providers", false),
                new Endpoint("POST", "/admin/providers", true),
                new Endpoint("GET", "/admin/providers/{p}", false),
                new Endpoint("PATCH", "/admin/providers/{p}", true),
                new Endpoint("DELETE", "/admin/providers/{p}", true),
                new Endpoint("GET", "/admin/providers/{p}/keys", false),
                new Endpoint("POST", "/admin/providers/{p}/keys", true),
                new Endpoint("GET", "/admin/providers/{p}/keys/{k}", false),
                new Endpoint("PATCH", "/admin/providers/{p}/keys/{k}", true),
                new Endpoint("DELETE", "/admin/providers/{p}/keys/{k}", true),
                new Endpoint("GET", "/admin/providers/{p}/models", false),
                new Endpoint("POST", "/admin/providers/{p}/models", true),
                new Endpoint("GET", "/admin/providers/{p}/models/{m}", false),
                new Endpoint("PATCH", "/admin/providers/{p}/models/{m}", true),
                new Endpoint("DELETE", "/admin/providers/{p}/models/{m}", true),
                new Endpoint("GET", "/admin/pools", false),
                new Endpoint("POST", "/admin/pools", true),
                new Endpoint("GET", "/admin/pools/{pool}", false),
                new Endpoint("PATCH", "/admin/pools/{pool}", true),
                new Endpoint("DELETE", "/admin/pools/{pool}", true),
                new Endpoint("GET", "/admin/clusters", false),
                new Endpoint("POST", "/admin/clusters", true),
                new Endpoint("GET", "/admin/clusters/{c}", false),
                new Endpoint("PATCH", "/admin/clusters/{c}", true),
                new Endpoint("DELETE", "/admin/clusters/{c}", true),
                new Endpoint("GET", "/admin/routes", false),
                new Endpoint("POST", "/admin/routes", true),
                new Endpoint("GET", "/admin/routes/{r}", false),
                new Endpoint("PATCH", "/admin/routes/{r}", true),
                new Endpoint("DELETE", "/admin/routes/{r}", true),
                new Endpoint("GET", "/admin/catalog/snapshot", false),
                new Endpoint("POST", "/admin/catalog/publish", true),
                new Endpoint("POST", "/admin/provider-keys/rotate-encryption", true));
    }

    static java.security.PrivateKey foreignKey;
    static long provider;
    static long key;
    static long model;
    static long pool;
    static long cluster;
    static long route;

    @BeforeEach
    void fixture() {
        if (provider != 0) {
            return;
        }
        String pname = unique("sec-prov");
        provider = Api.createProvider(pname);
        key = Api.createKey(provider, "k1", "sk-security-fixture-0001");
        String mname = unique("sec-model");
        model = Api.createModel(provider, mname);
        String poolName = unique("sec-pool");
        pool = Api.createPool(poolName, pname, mname);
        cluster = Api.createCluster(unique("sec-cluster"), List.of(Map.of("kind", "pool", "name", poolName)));
        route = Api.createRoute(unique("sec") + "-*", "pool", poolName);
    }

    private static String path(Endpoint e) {
        return e.path().replace("{p}", "" + provider).replace("{k}", "" + key).replace("{m}", "" + model)
                .replace("{pool}", "" + pool).replace("{c}", "" + cluster).replace("{r}", "" + route);
    }

    private static io.restassured.response.Response call(RequestSpecification spec, Endpoint e) {
        RequestSpecification s = spec.contentType(ContentType.JSON);
        if (!e.method().equals("GET") && !e.method().equals("DELETE")) {
            s = s.body("{}");
        }
        return s.request(e.method(), path(e));
    }

    @ParameterizedTest(name = "{0} without a token is 401")
    @MethodSource("endpoints")
    void returns401WithoutToken(Endpoint e) {
        call(given(), e).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} with an unrelated role is 403")
    @MethodSource("endpoints")
    void returns403WithUnrelatedRole(Endpoint e) {
        call(as(Api.OTHER), e).then().statusCode(403);
    }

    @ParameterizedTest(name = "{0} with a token signed by another key is 401")
    @MethodSource("endpoints")
    void returns401WithForgedToken(Endpoint e) throws Exception {
        if (foreignKey == null) {
            var generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            foreignKey = generator.generateKeyPair().getPrivate();
        }
        String forged = io.smallrye.jwt.build.Jwt.preferredUserName("mallory")
                .claim("realm_access", Map.of("roles", List.of(Api.ADMIN)))
                .issuer("https://server.example.com")
                .jws().keyId("1").sign(foreignKey);
        call(given().auth().oauth2(forged), e).then().statusCode(401);
    }

    @ParameterizedTest(name = "{0} as viewer")
    @MethodSource("endpoints")
    void viewerMayReadButNotWrite(Endpoint e) {
        var r = call(as(Api.VIEWER), e).then();
        if (e.write()) {
            r.statusCode(403);
        } else {
            r.statusCode(200);
        }
    }

    @Test
    void adminManagesProvidersKeysAndModels() {
        String name = unique("crud-prov");
        long id = Api.createProvider(name);
        admin().get("/admin/providers/" + id).then().statusCode(200).body("name", equalTo(name));
        admin().get("/admin/providers?size=500").then().statusCode(200).body("total", greaterThan(0));
        admin().body(Map.of("enabled", false)).patch("/admin/providers/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));

        long k = Api.createKey(id, "main", "sk-crud-0123456789");
        admin().get("/admin/providers/" + id + "/keys").then().statusCode(200).body("items.id", hasItem((int) k));
        admin().get("/admin/providers/" + id + "/keys/" + k).then().statusCode(200).body("last4", equalTo("6789"));
        admin().body(Map.of("weight", 5)).patch("/admin/providers/" + id + "/keys/" + k).then().statusCode(200)
                .body("weight", equalTo(5));
        admin().delete("/admin/providers/" + id + "/keys/" + k).then().statusCode(204);
        admin().get("/admin/providers/" + id + "/keys/" + k).then().statusCode(404);

        long m = Api.createModel(id, unique("crud-model"));
        admin().get("/admin/providers/" + id + "/models").then().statusCode(200).body("items.id", hasItem((int) m));
        admin().get("/admin/providers/" + id + "/models/" + m).then().statusCode(200)
                .body("contextWindow", equalTo(128000));
        admin().body(Map.of("contextWindow", 1000)).patch("/admin/providers/" + id + "/models/" + m).then()
                .statusCode(200).body("contextWindow", equalTo(1000));
        admin().delete("/admin/providers/" + id + "/models/" + m).then().statusCode(204);

        admin().delete("/admin/providers/" + id).then().statusCode(204);
        admin().get("/admin/providers/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void adminManagesPoolsClustersAndRoutes() {
        String pname = unique("crud-prov");
        long p = Api.createProvider(pname);
        String mname = unique("crud-model");
        Api.createModel(p, mname);
        String poolName = unique("crud-pool");
        long poolId = Api.createPool(poolName, pname, mname);
        admin().get("/admin/pools/" + poolId).then().statusCode(200).body("members[0].model", equalTo(mname));
        admin().get("/admin/pools").then().statusCode(200);
        admin().body(Map.of("strategy", "weighted")).patch("/admin/pools/" + poolId).then().statusCode(200)
                .body("strategy", equalTo("weighted"));

        String clusterName = unique("crud-cluster");
        long c = Api.createCluster(clusterName, List.of(Map.of("name", poolName), Map.of("kind", "model", "name", mname)));
        admin().get("/admin/clusters/" + c).then().statusCode(200)
                .body("members.kind", equalTo(List.of("pool", "model")));
        admin().get("/admin/clusters").then().statusCode(200);
        admin().body(Map.of("enabled", false)).patch("/admin/clusters/" + c).then().statusCode(200);

        long r = Api.createRoute(unique("crud") + "*", "cluster", clusterName);
        admin().get("/admin/routes/" + r).then().statusCode(200).body("target", equalTo(clusterName))
                .body("hits", equalTo(0));
        admin().get("/admin/routes").then().statusCode(200);
        admin().body(Map.of("priority", 5)).patch("/admin/routes/" + r).then().statusCode(200)
                .body("priority", equalTo(5));

        admin().delete("/admin/routes/" + r).then().statusCode(204);
        admin().delete("/admin/clusters/" + c).then().statusCode(204);
        admin().delete("/admin/pools/" + poolId).then().statusCode(204);
        admin().delete("/admin/providers/" + p).then().statusCode(204);
    }

    @Test
    void adminPublishesAndReadsSnapshot() {
        long version = admin().post("/admin/catalog/publish").then().statusCode(200)
                .body("bytes", greaterThan(0)).extract().jsonPath().getLong("version");
        as(Api.VIEWER).get("/admin/catalog/snapshot").then().statusCode(200)
                .body("v", equalTo(1)).body("version", org.hamcrest.Matchers.greaterThanOrEqualTo((int) version));
        admin().post("/admin/provider-keys/rotate-encryption").then().statusCode(200)
                .body("activeDataKeyId", equalTo("test"));
    }
}
