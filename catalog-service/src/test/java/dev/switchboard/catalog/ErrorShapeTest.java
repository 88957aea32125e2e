package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.as;
import static dev.switchboard.catalog.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.admin.ProblemShape;
import dev.switchboard.catalog.SecurityTest.Endpoint;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every management endpoint answers 401, 403, 404, 409 and 422 with the one problem shape of the kit. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ErrorShapeTest {

    private static final String MISSING = "987654321";

    static Stream<Endpoint> endpoints() {
        return SecurityTest.endpoints();
    }

    static Stream<Endpoint> withIds() {
        return endpoints().filter(e -> e.path().contains("{"));
    }

    static Stream<Endpoint> withBodies() {
        return endpoints().filter(e -> e.method().equals("POST") || e.method().equals("PATCH"))
                .filter(e -> !e.path().startsWith("/admin/catalog") && !e.path().contains("rotate"));
    }

    static Stream<Endpoint> lists() {
        return endpoints().filter(e -> e.method().equals("GET") && !e.path().endsWith("}")
                && !e.path().contains("snapshot"));
    }

    static void assertProblem(Response r, int status) {
        assertThat(ProblemShape.violations(r.statusCode(), r.contentType(), r.jsonPath().getMap(""), status,
                r.header("x-request-id"))).as(r.asString()).isEmpty();
    }

    /** Ids of real objects, so only the named failure applies. */
    private static String fill(String path, String id) {
        return path.replaceAll("\\{[a-z]+}", id);
    }

    private static Response call(RequestSpecification spec, Endpoint e, String path, String body) {
        RequestSpecification s = spec.contentType(ContentType.JSON);
        if (body != null) {
            s = s.body(body);
        }
        return s.request(e.method(), path);
    }

    private static String body(Endpoint e) {
        return e.method().equals("GET") || e.method().equals("DELETE") ? null : "{}";
    }

    @ParameterizedTest(name = "{0} without a token")
    @MethodSource("endpoints")
    void unauthorizedIsAProblem(Endpoint e) {
        assertProblem(call(given(), e, fill(e.path(), "1"), body(e)), 401);
    }

    @ParameterizedTest(name = "{0} with a bad token")
    @MethodSource("endpoints")
    void badTokenIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2("not-a-jwt"), e, fill(e.path(), "1"), body(e)), 401);
    }

    @ParameterizedTest(name = "{0} with a role that may not")
    @MethodSource("endpoints")
    void forbiddenIsAProblem(Endpoint e) {
        assertProblem(call(as(e.write() ? Api.VIEWER : Api.OTHER), e, fill(e.path(), "1"), body(e)), 403);
    }

    @ParameterizedTest(name = "{0} of a missing object")
    @MethodSource("withIds")
    void notFoundIsAProblem(Endpoint e) {
        assertProblem(call(Api.admin(), e, fill(e.path(), MISSING), body(e)), 404);
    }

    @ParameterizedTest(name = "{0} with an unknown field")
    @MethodSource("withBodies")
    void unknownFieldIsAProblemNamingIt(Endpoint e) {
        Response r = call(Api.admin(), e, objects(e.path()), "{\"noSuchField\": 1}");
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field")).contains("noSuchField");
    }

    /** The path with each placeholder replaced by a new object of its kind. */
    private static String objects(String path) {
        String providerName = unique("shape");
        long provider = Api.createProvider(providerName);
        String model = Api.createModelName(provider);
        String pool = unique("shape-pool");
        long poolId = Api.createPool(pool, providerName, model);
        return path.replace("{p}", "" + provider)
                .replace("{k}", "" + (path.contains("{k}") ? Api.createKey(provider, unique("k"), "sk-shape-000000001") : 0))
                .replace("{m}", "" + Api.admin().get("/admin/providers/" + provider + "/models").then().extract()
                        .jsonPath().getLong("items[0].id"))
                .replace("{pool}", "" + poolId)
                .replace("{c}", "" + (path.contains("{c}")
                        ? Api.createCluster(unique("shape-c"), List.of(Map.of("kind", "pool", "name", pool))) : 0))
                .replace("{r}", "" + (path.contains("{r}") ? Api.createRoute(unique("shape") + "-*", "pool", pool) : 0));
    }

    @ParameterizedTest(name = "{0} with a bad page size")
    @MethodSource("lists")
    void badPagingIsAProblem(Endpoint e) {
        long provider = Api.createProvider(unique("shape"));
        Response r = Api.admin().queryParam("size", 0).get(e.path().replace("{p}", "" + provider));
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field")).containsExactly("size");
    }

    @Test
    void nameConflictIsAProblem() {
        String name = unique("shape-dup");
        Api.createProvider(name);
        Response r = Api.admin().body(Map.of("name", name, "protocol", "openai", "baseUrl", "http://127.0.0.1:8090"))
                .post("/admin/providers");
        assertProblem(r, 409);
        assertThat(r.jsonPath().getString("conflict")).isEqualTo(name);
    }

    @Test
    void stillReferencedIsAProblemListingTheReferences() {
        String name = unique("shape");
        long provider = Api.createProvider(name);
        Api.createPool(unique("shape-pool"), name, Api.createModelName(provider));
        Response r = Api.admin().delete("/admin/providers/" + provider);
        assertProblem(r, 409);
        assertThat(r.jsonPath().getList("references")).isNotEmpty();
    }

    @Test
    void malformedJsonIsAProblem() {
        assertProblem(Api.admin().body("{").post("/admin/providers"), 400);
    }
}
