package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.admin.ProblemShape;
import dev.switchboard.auth.AdminSecurityTest.Endpoint;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every management endpoint answers 401, 403, 404, 409 and 422 with the one problem shape of the kit. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ErrorShapeTest {

    static Stream<Endpoint> endpoints() {
        return AdminSecurityTest.ENDPOINTS.stream();
    }

    static Stream<Endpoint> withIds() {
        return endpoints().filter(e -> e.path().matches(".*/1(/.*)?$"));
    }

    static Stream<Endpoint> creates() {
        return endpoints().filter(e -> e.method().equals("POST") && e.path().matches("/admin/(users|groups|keys)"));
    }

    static Stream<Endpoint> lists() {
        return endpoints().filter(e -> e.method().equals("GET") && e.path().matches("/admin/(users|groups|keys)"));
    }

    static void assertProblem(Response r, int status) {
        assertThat(ProblemShape.violations(r.statusCode(), r.contentType(), r.jsonPath().getMap(""), status,
                r.header("x-request-id"))).as(r.asString()).isEmpty();
    }

    private static Response call(RequestSpecification spec, Endpoint e, String path) {
        spec = spec.contentType(ContentType.JSON);
        if (!e.method().equals("GET") && !e.method().equals("DELETE")) {
            spec = spec.body("{}");
        }
        return spec.request(e.method(), path);
    }

    @ParameterizedTest(name = "{0} without a token")
    @MethodSource("endpoints")
    void unauthorizedIsAProblem(Endpoint e) {
        assertProblem(call(given(), e, e.path()), 401);
    }

    @ParameterizedTest(name = "{0} with a bad token")
    @MethodSource("endpoints")
    void badTokenIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2("not-a-jwt"), e, e.path()), 401);
    }

    @ParameterizedTest(name = "{0} with a role that may not")
    @MethodSource("endpoints")
    void forbiddenIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2(e.write() ? Tokens.VIEWER : Tokens.NO_ROLE), e, e.path()), 403);
    }

    @ParameterizedTest(name = "{0} of a missing object")
    @MethodSource("withIds")
    void notFoundIsAProblem(Endpoint e) {
        String path = e.path().replaceFirst("/1(/|$)", "/987654321$1");
        Response r = call(Api.admin(), e, path);
        if (e.method().equals("PATCH")) {
            // an empty merge patch of a missing object is still a 404
            r = Api.admin().body("{}").patch(path);
        }
        assertProblem(r, 404);
    }

    @ParameterizedTest(name = "{0} with an unknown field")
    @MethodSource("creates")
    void unknownFieldIsAProblemNamingIt(Endpoint e) {
        Response r = Api.admin().body("{\"noSuchField\": 1}").post(e.path());
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field")).contains("noSuchField");
    }

    @ParameterizedTest(name = "{0} with a bad page size")
    @MethodSource("lists")
    void badPagingIsAProblem(Endpoint e) {
        Response r = Api.admin().queryParam("size", 0).get(e.path());
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field")).containsExactly("size");
    }

    @Test
    void duplicateNameIsAProblem() {
        String name = Api.unique("shape-dup");
        Api.createGroup(Map.of("name", name));
        Response r = Api.admin().body(Map.of("name", name)).post("/admin/groups");
        assertProblem(r, 409);
        assertThat(r.jsonPath().getString("field")).isEqualTo("name");
    }

    @Test
    void malformedJsonIsAProblem() {
        assertProblem(Api.admin().body("{").post("/admin/groups"), 400);
    }

    @Test
    void wrongServiceTokenIsAProblem() {
        assertProblem(given().header("x-switchboard-service-token", "wrong").get(InternalSnapshotEndpointTest.PATH + "abc"), 401);
    }
}
