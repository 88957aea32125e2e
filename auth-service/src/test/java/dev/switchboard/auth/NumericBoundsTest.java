package dev.switchboard.auth;

import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every numeric field of every management API, at its column's largest value (accepted) and one step
 * above it (422 naming the field, never a 500 from PostgreSQL).
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NumericBoundsTest {

    private static final String MONEY_MAX = "999999999999.99999999";
    private static final String MONEY_ABOVE = "1000000000000";
    private static final String MONEY_TOO_PRECISE = "1.000000001";

    private static void patch(String path, String field, String json, int status) {
        var r = Api.admin().body("{\"" + field + "\":" + json + "}").patch(path).then();
        r.statusCode(status);
        if (status == 422) {
            r.body("errors.field", hasItem(field));
        }
    }

    @Test
    void userFieldsAcceptTheirColumnMaximumAndRefuseOneAbove() {
        String user = "/admin/users/" + Api.createUser();
        patch(user, "balanceUsd", MONEY_MAX, 200);
        patch(user, "balanceUsd", MONEY_ABOVE, 422);
        patch(user, "balanceUsd", MONEY_TOO_PRECISE, 422);
        patch(user, "concurrency", Integer.toString(Integer.MAX_VALUE), 200);
        patch(user, "concurrency", Long.toString(Integer.MAX_VALUE + 1L), 422);
    }

    @Test
    void groupFieldsAcceptTheirColumnMaximumAndRefuseOneAbove() {
        String group = "/admin/groups/" + Api.createGroup();
        patch(group, "rateMultiplier", "999999.999999", 200);
        patch(group, "rateMultiplier", "1000000", 422);
        patch(group, "rateMultiplier", "5000000", 422);
        patch(group, "rateMultiplier", "1.0000001", 422);
        for (String f : new String[] {"dailyLimitUsd", "weeklyLimitUsd", "monthlyLimitUsd"}) {
            patch(group, f, MONEY_MAX, 200);
            patch(group, f, MONEY_ABOVE, 422);
            patch(group, f, MONEY_TOO_PRECISE, 422);
        }
    }

    @Test
    void keyFieldsAcceptTheirColumnMaximumAndRefuseOneAbove() {
        long user = Api.createUser();
        long group = Api.createGroup();
        String key = "/admin/keys/" + Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        patch(key, "rpmLimit", Integer.toString(Integer.MAX_VALUE), 200);
        patch(key, "rpmLimit", Long.toString(Integer.MAX_VALUE + 1L), 422);
        patch(key, "userId", "9223372036854775808", 422);
    }

    @Test
    void createRefusesOutOfRangeValuesToo() {
        Api.admin().body(Map.of("name", "g-" + System.nanoTime(), "rateMultiplier", 5_000_000))
                .post("/admin/groups").then().statusCode(422).body("errors.field", hasItem("rateMultiplier"));
        Api.admin()
                .body("{\"name\":\"u\",\"email\":\"u" + System.nanoTime() + "@x.test\",\"balanceUsd\":" + MONEY_ABOVE + "}")
                .post("/admin/users").then().statusCode(422).body("errors.field", hasItem("balanceUsd"));
    }
}
