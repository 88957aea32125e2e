package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every admin endpoint: 401 without a token, 403 with the wrong role, 2xx with the right one. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class AdminSecurityTest {

    record Endpoint(String method, String path, boolean write) {
    }

    /** Ids do not need to exist: authorisation is decided before the resource runs. */
    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/admin/users", false),
            new Endpoint("GET", "/admin/users/1", false),
            new Endpoint("POST", "/admin/users", true),
            new Endpoint("PATCH", "/admin/users/1", true),
            new Endpoint("DELETE", "/admin/users/1", true),
            new Endpoint("GET", "/admin/groups", false),
            new Endpoint("GET", "/admin/groups/1", false),
            new Endpoint("POST", "/admin/groups", true),
            new Endpoint("PATCH", "/admin/groups/1", true),
            new Endpoint("DELETE", "/admin/groups/1", true),
            new Endpoint("GET", "/admin/keys", false),
            new Endpoint("GET", "/admin/keys/1", false),
            new Endpoint("POST", "/admin/keys", true),
            new Endpoint("PATCH", "/admin/keys/1", true),
            new Endpoint("DELETE", "/admin/keys/1", true),
            new Endpoint("POST", "/admin/keys/1/rotate", true),
            new Endpoint("POST", "/admin/keys/1/enable", true),
            new Endpoint("POST", "/admin/keys/1/disable", true),
            new Endpoint("POST", "/admin/keys/1/revoke", true),
            new Endpoint("POST", "/admin/snapshots/rebuild", true),
            new Endpoint("GET", "/admin/usage", false));

    private static int call(RequestSpecification spec, Endpoint e) {
        spec = spec.contentType(ContentType.JSON);
        if (!e.method.equals("GET") && !e.method.equals("DELETE")) {
            spec = spec.body("{}");
        }
        return spec.request(e.method, e.path).statusCode();
    }

    @Test
    void returns401WithoutTokenOnEveryAdminEndpoint() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            int status = call(given(), e);
            if (status != 401) {
                wrong.add(e + " -> " + status);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void returns401WithForgedToken() {
        String forged = Tokens.ADMIN.substring(0, Tokens.ADMIN.lastIndexOf('.') + 1) + "AAAA";
        assertThat(call(given().auth().oauth2(forged), ENDPOINTS.get(0))).isEqualTo(401);
    }

    @Test
    void returns403ForViewerOnEveryWriteEndpoint() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS.stream().filter(Endpoint::write).toList()) {
            int status = call(given().auth().oauth2(Tokens.VIEWER), e);
            if (status != 403) {
                wrong.add(e + " -> " + status);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void returns403WithoutSwitchboardRoleOnEveryEndpoint() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            int status = call(given().auth().oauth2(Tokens.NO_ROLE), e);
            if (status != 403) {
                wrong.add(e + " -> " + status);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void viewerAndAdminReadEveryListAndItem() {
        long user = Api.createUser();
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        for (String token : List.of(Tokens.VIEWER, Tokens.ADMIN)) {
            for (String path : List.of("/admin/users", "/admin/users/" + user, "/admin/groups", "/admin/groups/" + group,
                    "/admin/keys", "/admin/keys/" + key, "/admin/usage")) {
                given().auth().oauth2(token).get(path).then().statusCode(200);
            }
        }
    }

    @Test
    void adminWritesEveryResource() {
        long user = Api.createUser();
        long group = Api.createGroup();
        Api.admin().body(Map.of("name", "renamed")).patch("/admin/users/" + user).then().statusCode(200);
        Api.admin().body(Map.of("subscriptionType", "pro")).patch("/admin/groups/" + group).then().statusCode(200);
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        Api.admin().body(Map.of("rpmLimit", 10)).patch("/admin/keys/" + key).then().statusCode(200);
        Api.admin().post("/admin/keys/" + key + "/disable").then().statusCode(200);
        Api.admin().post("/admin/keys/" + key + "/enable").then().statusCode(200);
        long rotated = Api.admin().post("/admin/keys/" + key + "/rotate").then().statusCode(201).extract().jsonPath()
                .getLong("apiKey.id");
        Api.admin().post("/admin/keys/" + rotated + "/revoke").then().statusCode(200);
        Api.admin().post("/admin/snapshots/rebuild").then().statusCode(200);
        Api.admin().delete("/admin/keys/" + key).then().statusCode(204);
        Api.admin().delete("/admin/keys/" + rotated).then().statusCode(204);
        Api.admin().delete("/admin/users/" + user).then().statusCode(204);
        Api.admin().delete("/admin/groups/" + group).then().statusCode(204);
        Api.admin().get("/admin/users/" + user).then().statusCode(404);
        Api.admin().get("/admin/groups/" + group).then().statusCode(404);
    }
}
