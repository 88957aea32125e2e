package dev.switchboard.auth;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Admin API calls with an admin token, creating uniquely named fixtures. */
public final class Api {

    private Api() {
    }

    public static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.ADMIN).contentType(ContentType.JSON);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    public static long createUser(Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", unique("user"), "email", unique("u") + "@example.com"));
        body.putAll(extra);
        return admin().body(body).post("/admin/users").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createUser() {
        return createUser(Map.of());
    }

    public static long createGroup(Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", unique("group")));
        body.putAll(extra);
        return admin().body(body).post("/admin/groups").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static long createGroup() {
        return createGroup(Map.of());
    }

    /** @return the create answer: {@code key} (plaintext) and {@code apiKey} */
    public static JsonPath createKey(long userId, long groupId, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", unique("key"), "userId", userId, "groupId", groupId));
        body.putAll(extra);
        return admin().body(body).post("/admin/keys").then().statusCode(201).extract().jsonPath();
    }

    public static JsonPath createKey() {
        return createKey(createUser(), createGroup(), Map.of());
    }
}
