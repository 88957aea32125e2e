package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets problem+json naming the field and the reason; PATCH keeps unnamed fields. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ValidationTest {

    private static ValidatableResponse invalid(ValidatableResponse r, String field) {
        return r.statusCode(422).contentType("application/problem+json").body("status", equalTo(422))
                .body("errors.field", hasItem(field));
    }

    @Test
    void rejectsInvalidIpv4AndIpv6Cidrs() {
        long user = Api.createUser();
        long group = Api.createGroup();
        for (String bad : List.of("10.0.0.0/33", "300.1.1.1/8", "10.0.0/8", "2001:db8::/129", "2001:db8:::1/64",
                "example.com/8", "10.0.0.1/-1", "")) {
            invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipAllow", List.of(bad)))
                    .post("/admin/keys").then(), "ipAllow[0]");
        }
        invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipDeny", List.of("1.2.3.4", "fe80::zz")))
                .post("/admin/keys").then(), "ipDeny[1]");
    }

    @Test
    void acceptsAndNormalisesIpv4AndIpv6Cidrs() {
        var created = Api.createKey(Api.createUser(), Api.createGroup(),
                Map.of("ipAllow", List.of("10.0.0.0/8", "2001:DB8::/32", "192.168.1.7"), "ipDeny", List.of("::1")));
        assertThat(created.getList("apiKey.ipAllow", String.class))
                .containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32", "192.168.1.7/32");
        assertThat(created.getList("apiKey.ipDeny", String.class)).containsExactly("0:0:0:0:0:0:0:1/128");
    }

    @Test
    void storesAnIpv4MappedBlockAsItsIpv4Block() {
        var created = Api.createKey(Api.createUser(), Api.createGroup(),
                Map.of("ipAllow", List.of("::ffff:10.0.0.0/104", "10.0.0.0/8", "192.168.1.77/24"),
                        "ipDeny", List.of("::ffff:10.1.2.3")));
        // the same block written twice is kept once; host bits are masked
        assertThat(created.getList("apiKey.ipAllow", String.class)).containsExactly("10.0.0.0/8", "192.168.1.0/24");
        assertThat(created.getList("apiKey.ipDeny", String.class)).containsExactly("10.1.2.3/32");
        long key = created.getLong("apiKey.id");
        Api.admin().body(Map.of("ipDeny", List.of("::ffff:172.16.0.0/108"))).patch("/admin/keys/" + key).then()
                .statusCode(200).body("ipDeny", equalTo(List.of("172.16.0.0/12")));
    }

    @Test
    void refusesAnIpv4MappedBlockWiderThanTheMappedRange() {
        long user = Api.createUser();
        long group = Api.createGroup();
        invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipAllow", List.of("::ffff:0:0/95")))
                .post("/admin/keys").then(), "ipAllow[0]")
                .body("errors[0].message", containsString("IPv4-mapped block"))
                .body("errors[0].message", containsString("at least 96"));
        long key = Api.createKey(user, group, Map.of("ipDeny", List.of("10.0.0.0/8"))).getLong("apiKey.id");
        invalid(Api.admin().body(Map.of("ipDeny", List.of("10.0.0.0/8", "::ffff:10.0.0.0/64"))).patch("/admin/keys/" + key)
                .then(), "ipDeny[1]");
        Api.admin().get("/admin/keys/" + key).then().body("ipDeny", equalTo(List.of("10.0.0.0/8")));
    }

    @Test
    void refusesHostNamesAndShortIpv4FormsWithAClearMessage() {
        long user = Api.createUser();
        long group = Api.createGroup();
        for (String bad : List.of("localhost", "cafe/16", "10.1/16", "010.0.0.0/8")) {
            invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipAllow", List.of(bad)))
                    .post("/admin/keys").then(), "ipAllow[0]")
                    .body("errors[0].message", containsString("must be an IPv4 or IPv6 address block"));
        }
        invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipAllow", List.of("10.0.0.0/40")))
                .post("/admin/keys").then(), "ipAllow[0]")
                .body("errors[0].message", containsString("prefix length must be a number from 0 to 32"));
    }

    @Test
    void rejectsInvalidModelPatterns() {
        String tooLong = "m".repeat(300);
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "allowedModels", List.of("gpt-4*", tooLong)))
                .post("/admin/groups").then(), "allowedModels[1]");
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "modelRouting", Map.of(tooLong, List.of("pool-a"))))
                .post("/admin/groups").then(), "modelRouting." + tooLong);
    }

    @Test
    void rejectsBadRoutingTargets() {
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "modelRouting", Map.of("gpt-*", List.of())))
                .post("/admin/groups").then(), "modelRouting.gpt-*");
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "modelRouting", Map.of("gpt-*", List.of("provider:"))))
                .post("/admin/groups").then(), "modelRouting.gpt-*[0]");
    }

    @Test
    void unknownReferencesAre422InBodyAnd404InPath() {
        long user = Api.createUser();
        long group = Api.createGroup();
        invalid(Api.admin().body(Map.of("name", "k", "userId", 999_999_999L, "groupId", group)).post("/admin/keys").then(),
                "userId");
        invalid(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", 999_999_999L)).post("/admin/keys").then(),
                "groupId");
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "fallbackGroupId", 999_999_999L)).post("/admin/groups").then(),
                "fallbackGroupId");
        for (String path : List.of("/admin/users/999999999", "/admin/groups/999999999", "/admin/keys/999999999")) {
            Api.admin().get(path).then().statusCode(404).contentType("application/problem+json");
            Api.admin().body(Map.of("name", "x")).patch(path).then().statusCode(404);
        }
        Api.admin().post("/admin/keys/999999999/revoke").then().statusCode(404);
    }

    @Test
    void refusesFallbackCycles() {
        long a = Api.createGroup();
        long b = Api.createGroup(Map.of("fallbackGroupId", a));
        long c = Api.createGroup(Map.of("fallbackGroupId", b));
        invalid(Api.admin().body(Map.of("fallbackGroupId", c)).patch("/admin/groups/" + a).then(), "fallbackGroupId")
                .body("errors[0].message", startsWith("would create a fallback cycle"));
        invalid(Api.admin().body(Map.of("fallbackGroupId", a)).patch("/admin/groups/" + a).then(), "fallbackGroupId");
        Api.admin().get("/admin/groups/" + a).then().body("fallbackGroupId", equalTo(null));
    }

    @Test
    void rejectsNegativeLimitsAndNonPositiveMultiplier() {
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "dailyLimitUsd", -1)).post("/admin/groups").then(), "dailyLimitUsd");
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "rateMultiplier", 0)).post("/admin/groups").then(), "rateMultiplier");
        invalid(Api.admin().body(Map.of("name", Api.unique("g"), "rateMultiplier", -0.5)).post("/admin/groups").then(), "rateMultiplier");
        invalid(Api.admin().body(Map.of("name", "u", "email", Api.unique("e") + "@x.io", "concurrency", -2)).post("/admin/users").then(),
                "concurrency");
        invalid(Api.admin().body(Map.of("name", "u", "email", Api.unique("e") + "@x.io", "balanceUsd", -2)).post("/admin/users").then(),
                "balanceUsd");
        long key = Api.createKey().getLong("apiKey.id");
        invalid(Api.admin().body(Map.of("rpmLimit", -1)).patch("/admin/keys/" + key).then(), "rpmLimit");
    }

    @Test
    void listsEveryProblemOfOneRequest() {
        Api.admin().body(Map.of("name", "", "email", "not-an-email", "role", "god", "colour", "blue")).post("/admin/users").then()
                .statusCode(422).body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("name", "email", "role", "colour"));
    }

    @Test
    void aMistypedOrFractionalFieldOfACreateIs422NamingIt() {
        invalid(Api.admin().body("{\"name\":\"u\",\"email\":\"" + Api.unique("e") + "@x.io\",\"concurrency\":1.5}")
                .post("/admin/users").then(), "concurrency");
        invalid(Api.admin().body(Map.of("name", "k", "userId", "one", "groupId", 1)).post("/admin/keys").then(), "userId");
        invalid(Api.admin().body("{\"name\":\"g\",\"allowedModels\":\"gpt-*\"}").post("/admin/groups").then(), "allowedModels");
    }

    @Test
    void aRoutingPatchMergesPatternByPatternAndNullRemovesOne() {
        long g = Api.createGroup(Map.of("modelRouting", Map.of("gpt-*", List.of("pool-a"))));
        Api.admin().body(Map.of("modelRouting", Map.of("claude-*", List.of("pool-c")))).patch("/admin/groups/" + g).then()
                .statusCode(200).body("modelRouting.'gpt-*'", equalTo(List.of("pool-a")))
                .body("modelRouting.'claude-*'", equalTo(List.of("pool-c")));
        Api.admin().body("{\"modelRouting\": {\"gpt-*\": null}}").patch("/admin/groups/" + g).then().statusCode(200)
                .body("modelRouting", equalTo(Map.of("claude-*", List.of("pool-c"))));
    }

    @Test
    void nullGivesAFieldWithADefaultItsDefaultAndARequiredFieldA422() {
        long g = Api.createGroup(Map.of("platform", "openai", "rateMultiplier", 2));
        var patched = Api.admin().body("{\"platform\": null, \"rateMultiplier\": null}").patch("/admin/groups/" + g).then()
                .statusCode(200).body("platform", equalTo("any")).extract().jsonPath();
        assertThat(new java.math.BigDecimal(patched.getString("rateMultiplier"))).isEqualByComparingTo("1");
        invalid(Api.admin().body("{\"name\": null}").patch("/admin/users/" + Api.createUser()).then(), "name");
        invalid(Api.admin().body("{\"groupId\": null}").patch("/admin/keys/" + Api.createKey().getLong("apiKey.id")).then(),
                "groupId");
    }

    @Test
    void duplicateNamesAndEmailsAre409() {
        String name = Api.unique("dup");
        Api.createGroup(Map.of("name", name));
        Api.admin().body(Map.of("name", name)).post("/admin/groups").then().statusCode(409)
                .contentType("application/problem+json").body("field", equalTo("name"));
        long other = Api.createGroup();
        Api.admin().body(Map.of("name", name)).patch("/admin/groups/" + other).then().statusCode(409);

        String email = Api.unique("dup") + "@example.com";
        Api.createUser(Map.of("email", email));
        Api.admin().body(Map.of("name", "x", "email", email.toUpperCase())).post("/admin/users").then().statusCode(409)
                .body("field", equalTo("email"));
    }

    @Test
    void malformedJsonIs400AndBadPagingIs422() {
        Api.admin().body("{\"name\": ").post("/admin/users").then().statusCode(400).contentType("application/problem+json");
        Api.admin().get("/admin/users?size=0").then().statusCode(422).body("errors[0].field", equalTo("size"));
        Api.admin().get("/admin/users?page=-1").then().statusCode(422).body("errors[0].field", equalTo("page"));
    }

    @Test
    void patchOfADisabledKeyKeepsItDisabled() {
        var created = Api.createKey(Api.createUser(), Api.createGroup(), Map.of("rpmLimit", 60, "ipAllow", List.of("10.0.0.0/8")));
        long key = created.getLong("apiKey.id");
        Api.admin().post("/admin/keys/" + key + "/disable").then().statusCode(200);
        Api.admin().body(Map.of("name", "renamed")).patch("/admin/keys/" + key).then().statusCode(200)
                .body("status", equalTo("disabled")).body("rpmLimit", equalTo(60)).body("ipAllow[0]", equalTo("10.0.0.0/8"))
                .body("name", equalTo("renamed"));
        invalid(Api.admin().body(Map.of("status", "active")).patch("/admin/keys/" + key).then(), "status");
        Api.admin().get("/admin/keys/" + key).then().body("status", equalTo("disabled"));
    }

    @Test
    void patchOfAGroupKeepsRoutingAndLimitsItDoesNotName() {
        Map<String, Object> routing = new java.util.LinkedHashMap<>();
        routing.put("gpt-4*", List.of("coding-fast", "provider:openai"));
        routing.put("claude-*", List.of("pool-claude"));
        long g = Api.createGroup(Map.of("modelRouting", routing, "modelRoutingEnabled", true, "dailyLimitUsd", 5,
                "allowedModels", List.of("gpt-*", "claude-*")));
        Api.admin().body(Map.of("name", Api.unique("renamed"))).patch("/admin/groups/" + g).then().statusCode(200)
                .body("modelRoutingEnabled", equalTo(true)).body("dailyLimitUsd", equalTo(5.0f))
                .body("modelRouting.'gpt-4*'", equalTo(List.of("coding-fast", "provider:openai")))
                .body("allowedModels", equalTo(List.of("gpt-*", "claude-*")));
        // Explicit null clears a nullable field.
        Api.admin().body("{\"dailyLimitUsd\": null}").patch("/admin/groups/" + g).then().statusCode(200)
                .body("dailyLimitUsd", equalTo(null)).body("modelRoutingEnabled", equalTo(true));
        // Routing order is kept as written.
        String json = Api.admin().get("/admin/groups/" + g).then().extract().asString();
        assertThat(json.indexOf("gpt-4*")).isLessThan(json.indexOf("claude-*\":"));
    }

    @Test
    void revokedKeysNeverComeBack() {
        long key = Api.createKey().getLong("apiKey.id");
        Api.admin().post("/admin/keys/" + key + "/revoke").then().statusCode(200).body("status", equalTo("revoked"));
        Api.admin().post("/admin/keys/" + key + "/enable").then().statusCode(409);
        Api.admin().post("/admin/keys/" + key + "/rotate").then().statusCode(409);
    }

    @Test
    void deletingReferencedUsersAndGroupsIs409() {
        long user = Api.createUser();
        long group = Api.createGroup();
        Api.createKey(user, group, Map.of());
        Api.admin().delete("/admin/users/" + user).then().statusCode(409);
        Api.admin().delete("/admin/groups/" + group).then().statusCode(409);
        long fallback = Api.createGroup();
        Api.createGroup(Map.of("fallbackGroupId", fallback));
        Api.admin().delete("/admin/groups/" + fallback).then().statusCode(409);
    }

    @Test
    void listsArePagedInIdOrderWithTotal() {
        for (int i = 0; i < 3; i++) {
            Api.createUser();
        }
        var first = Api.admin().get("/admin/users?page=0&size=2").then().statusCode(200).extract().jsonPath();
        var second = Api.admin().get("/admin/users?page=1&size=2").then().statusCode(200).extract().jsonPath();
        assertThat(first.getLong("total")).isGreaterThanOrEqualTo(3);
        List<Long> ids = new java.util.ArrayList<>(first.getList("items.id", Long.class));
        ids.addAll(second.getList("items.id", Long.class));
        assertThat(ids).hasSize(4).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void keyListAndGetNeverShowTheSecret() {
        var created = Api.createKey();
        String secret = created.getString("key");
        assertThat(secret).startsWith("sk-sb-").hasSize(6 + 43);
        assertThat(created.getString("apiKey.keyPrefix")).isEqualTo(secret.substring(0, 12));
        long id = created.getLong("apiKey.id");
        String one = Api.admin().get("/admin/keys/" + id).then().statusCode(200).extract().asString();
        String list = Api.admin().get("/admin/keys?userId=" + created.getLong("apiKey.userId")).then().statusCode(200)
                .extract().asString();
        assertThat(one).doesNotContain(secret).doesNotContain(dev.switchboard.auth.service.KeySecrets.sha256Hex(secret));
        assertThat(list).doesNotContain(secret).contains("\"total\":1");
    }
}
