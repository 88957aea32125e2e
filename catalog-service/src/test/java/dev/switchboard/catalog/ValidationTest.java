package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.invalid;
import static dev.switchboard.catalog.Api.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invalid input answers 422 problem+json naming the field; nothing is stored. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ValidationTest {

    static String provider;
    static long providerId;
    static String model;
    static String pool;
    static long poolId;

    @BeforeEach
    void fixture() {
        if (provider != null) {
            return;
        }
        provider = unique("val-prov");
        providerId = Api.createProvider(provider);
        model = unique("val-model");
        Api.createModel(providerId, model);
        pool = unique("val-pool");
        poolId = Api.createPool(pool, provider, model);
    }

    @Test
    void rejectsBaseUrlThatIsNotAbsoluteHttp() {
        for (String url : List.of("ftp://example.com", "example.com/v1", "/v1", "http://", "https://user:pw@example.com")) {
            invalid(admin().body(Map.of("name", unique("p"), "protocol", "openai", "baseUrl", url))
                    .post("/admin/providers").then(), "baseUrl")
                    .body("detail", not(containsString("pw@")));
        }
    }

    @Test
    void rejectsUnknownProtocolAndNonPositiveTimeouts() {
        invalid(admin().body(Map.of("name", unique("p"), "protocol", "grpc", "baseUrl", "https://x.example"))
                .post("/admin/providers").then(), "protocol");
        invalid(admin().body(Map.of("timeouts", Map.of("connectMs", 0, "idleMs", -5)))
                .patch("/admin/providers/" + providerId).then(), "timeouts.connectMs")
                .body("errors.field", org.hamcrest.Matchers.hasItem("timeouts.idleMs"));
    }

    @Test
    void rejectsMissingRequiredFieldsAndUnknownFields() {
        invalid(admin().body(Map.of("protocol", "openai", "colour", "red")).post("/admin/providers").then(), "name")
                .body("errors.field", org.hamcrest.Matchers.hasItems("baseUrl", "colour"));
    }

    @Test
    void rejectsInvalidFailoverRules() {
        invalid(admin().body(Map.of("failoverRules", List.of(
                        Map.of("status", 429, "action", "explode"),
                        Map.of("bodyContains", "quota", "action", "retry", "scope", "galaxy"),
                        Map.of("action", "stop"))))
                .patch("/admin/providers/" + providerId).then(), "failoverRules[0].action")
                .body("errors.field", org.hamcrest.Matchers.hasItems("failoverRules[1].scope", "failoverRules[2].status"));
        admin().get("/admin/providers/" + providerId).then().body("failoverRules.size()", equalTo(0));
    }

    @Test
    void rejectsRuleCooldownsLongerThanOneDay() {
        invalid(admin().body(Map.of("failoverRules", List.of(
                        Map.of("status", 500, "action", "retry", "scope", "provider", "cooldownSeconds", 86_401))))
                .patch("/admin/providers/" + providerId).then(), "failoverRules[0].cooldownSeconds");
        admin().body(Map.of("failoverRules", List.of(
                        Map.of("status", 500, "action", "retry", "scope", "provider", "cooldownSeconds", 86_400))))
                .patch("/admin/providers/" + providerId).then().statusCode(200)
                .body("failoverRules[0].cooldownSeconds", equalTo(86_400));
        admin().body(Map.of("failoverRules", List.of())).patch("/admin/providers/" + providerId).then().statusCode(200);
    }

    @Test
    void rejectsFirstTokenTimeoutsThatAreNotPositiveAndTimeoutsAboveOneHour() {
        invalid(admin().body(Map.of("timeouts", Map.of("firstTokenMs", 0, "firstByteMs", 3_600_001)))
                .patch("/admin/providers/" + providerId).then(), "timeouts.firstTokenMs")
                .body("errors.field", org.hamcrest.Matchers.hasItem("timeouts.firstByteMs"));
    }

    @Test
    void rejectsPrefillAndSameCandidateRetryThatAreNotBooleans() {
        invalid(admin().body(Map.of("name", unique("m"), "prefill", "yes"))
                .post("/admin/providers/" + providerId + "/models").then(), "prefill");
        invalid(admin().body(Map.of("sameCandidateRetry", "no")).patch("/admin/pools/" + poolId).then(),
                "sameCandidateRetry");
    }

    @Test
    void rejectsNonPositiveKeyWeight() {
        invalid(admin().body(Map.of("label", "w", "secret", "sk-weight-000001", "weight", 0))
                .post("/admin/providers/" + providerId + "/keys").then(), "weight");
        invalid(admin().body(Map.of("label", "w", "secret", "sk-weight-000001", "weight", -3))
                .post("/admin/providers/" + providerId + "/keys").then(), "weight");
    }

    @Test
    void rejectsPoolWithoutMembersOrWithUnknownMembers() {
        invalid(admin().body(Map.of("name", unique("pool"), "members", List.of())).post("/admin/pools").then(), "members");
        invalid(admin().body(Map.of("name", unique("pool"))).post("/admin/pools").then(), "members");
        invalid(admin().body(Map.of("name", unique("pool"), "members",
                        List.of(Map.of("provider", unique("nope"), "model", model)))).post("/admin/pools").then(),
                "members[0].provider");
        invalid(admin().body(Map.of("name", unique("pool"), "members",
                        List.of(Map.of("provider", provider, "model", model, "weight", 0),
                                Map.of("provider", provider, "model", unique("nomodel"))))).post("/admin/pools").then(),
                "members[0].weight")
                .body("errors.field", org.hamcrest.Matchers.hasItem("members[1].model"));
        invalid(admin().body(Map.of("name", unique("pool"), "strategy", "random", "members",
                        List.of(Map.of("provider", provider, "model", model)))).post("/admin/pools").then(), "strategy");
    }

    @Test
    void rejectsClusterMembersThatAreClustersOrUnknown() {
        String cluster = unique("val-cluster");
        Api.createCluster(cluster, List.of(Map.of("name", pool)));
        invalid(admin().body(Map.of("name", unique("c"), "members", List.of(Map.of("name", cluster))))
                .post("/admin/clusters").then(), "members[0].name")
                .body("errors[0].message", containsString("cluster"));
        invalid(admin().body(Map.of("name", unique("c"), "members", List.of(Map.of("name", unique("ghost")))))
                .post("/admin/clusters").then(), "members[0].name");
        invalid(admin().body(Map.of("name", unique("c"), "members", List.of(Map.of("kind", "pool", "name", model))))
                .post("/admin/clusters").then(), "members[0].name");
        invalid(admin().body(Map.of("name", unique("c"), "members", List.of())).post("/admin/clusters").then(), "members");
    }

    @Test
    void rejectsRouteWithMissingTargetOrInvalidPattern() {
        invalid(admin().body(Map.of("pattern", "gpt-*", "targetKind", "pool", "target", unique("ghost")))
                .post("/admin/routes").then(), "target");
        invalid(admin().body(Map.of("pattern", "gpt-*", "targetKind", "model", "target", pool))
                .post("/admin/routes").then(), "targetKind");
        invalid(admin().body(Map.of("pattern", "gpt 4*", "targetKind", "pool", "target", pool))
                .post("/admin/routes").then(), "pattern");
        invalid(admin().body(Map.of("pattern", "x".repeat(400), "targetKind", "pool", "target", pool))
                .post("/admin/routes").then(), "pattern");
    }

    @Test
    void rejectsMalformedJsonAndBadPaging() {
        admin().body("{\"name\": ").post("/admin/providers").then().statusCode(400)
                .contentType("application/problem+json");
        admin().body("[1,2]").post("/admin/providers").then().statusCode(400);
        invalid(admin().get("/admin/providers?size=100000").then(), "size");
        invalid(admin().get("/admin/providers?page=-1").then(), "page");
    }
}
