package dev.switchboard.relay.failover;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.admin.ProblemShape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The relay's management endpoints answer 401, 403 and 404 with the one problem shape of the kit. */
@QuarkusTest
@QuarkusTestResource(value = OidcTestServer.class, restrictToAnnotatedClass = true)
class ErrorShapeTest {

    record Endpoint(String method, String path, boolean write) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> endpoints() {
        return Stream.of(new Endpoint("GET", "/admin/cooldowns", false),
                new Endpoint("DELETE", "/admin/cooldowns/key:" + UUID.randomUUID(), true));
    }

    static Stream<Endpoint> withIds() {
        return endpoints().filter(Endpoint::write);
    }

    static void assertProblem(Response r, int status) {
        assertThat(ProblemShape.violations(r.statusCode(), r.contentType(), r.jsonPath().getMap(""), status,
                r.header("x-request-id"))).as(r.asString()).isEmpty();
    }

    private static Response call(RequestSpecification spec, Endpoint e) {
        return spec.request(e.method(), e.path());
    }

    @ParameterizedTest(name = "{0} without a token")
    @MethodSource("endpoints")
    void unauthorizedIsAProblem(Endpoint e) {
        assertProblem(call(given(), e), 401);
    }

    @ParameterizedTest(name = "{0} with a bad token")
    @MethodSource("endpoints")
    void badTokenIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2("not-a-jwt"), e), 401);
    }

    @ParameterizedTest(name = "{0} with a role that may not")
    @MethodSource("endpoints")
    void forbiddenIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2(OidcTestServer.token(e.write() ? "switchboard-viewer" : "user")), e),
                403);
    }

    @ParameterizedTest(name = "{0} of a missing cooldown")
    @MethodSource("withIds")
    void notFoundIsAProblem(Endpoint e) {
        assertProblem(call(given().auth().oauth2(OidcTestServer.token("switchboard-admin")), e), 404);
    }
}
