package dev.switchboard.catalog;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Signed tokens (as OidcWiremockTestResource expects) and small request helpers for the tests. */
public final class Api {

    public static final String ADMIN = "switchboard-admin";
    public static final String VIEWER = "switchboard-viewer";
    public static final String OTHER = "switchboard-user";

    private Api() {
    }

    public static String token(String role) {
        return Jwt.preferredUserName("op-" + role)
                .claim("realm_access", Map.of("roles", List.of(role)))
                .issuer("https://server.example.com")
                .audience("https://service.example.com")
                .sign();
    }

    public static RequestSpecification as(String role) {
        return given().auth().oauth2(token(role)).contentType(ContentType.JSON);
    }

    public static RequestSpecification admin() {
        return as(ADMIN);
    }

    /** A name no earlier run used. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static long createProvider(String name) {
        return admin().body(Map.of("name", name, "protocol", "openai", "baseUrl", "http://127.0.0.1:8090"))
                .post("/admin/providers").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createModel(long providerId, String name) {
        return admin().body(Map.of("name", name, "upstreamName", name + "-upstream", "contextWindow", 128000,
                        "inputPricePerMTok", 2.5, "outputPricePerMTok", 10))
                .post("/admin/providers/" + providerId + "/models").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    /** A new model of the provider; returns its name. */
    public static String createModelName(long providerId) {
        String name = unique("model");
        createModel(providerId, name);
        return name;
    }

    public static long createKey(long providerId, String label, String secret) {
        return admin().body(Map.of("label", label, "secret", secret, "rpm", 60, "weight", 2))
                .post("/admin/providers/" + providerId + "/keys").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    public static long createPool(String name, String provider, String model) {
        return admin().body(Map.of("name", name, "strategy", "priority",
                        "members", List.of(Map.of("provider", provider, "model", model))))
                .post("/admin/pools").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createCluster(String name, List<Map<String, String>> members) {
        return admin().body(Map.of("name", name, "members", members))
                .post("/admin/clusters").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createRoute(String pattern, String kind, String target) {
        return admin().body(Map.of("pattern", pattern, "targetKind", kind, "target", target))
                .post("/admin/routes").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Asserts a problem+json validation answer naming {@code field}. */
    public static ValidatableResponse invalid(ValidatableResponse r, String field) {
        return r.statusCode(422)
                .contentType("application/problem+json")
                .body("status", org.hamcrest.Matchers.equalTo(422))
                .body("errors.field", org.hamcrest.Matchers.hasItem(field));
    }
}
