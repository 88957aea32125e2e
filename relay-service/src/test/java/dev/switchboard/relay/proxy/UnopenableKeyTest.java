package dev.switchboard.relay.proxy;

import dev.switchboard.relay.support.Management;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key sealed with a data key this relay does not hold is skipped by name and never sent upstream. */
@QuarkusTest
class UnopenableKeyTest extends RelayTestBase {

    private static final SecretBox FOREIGN = SecretBox.fromSpec("elsewhere:" + SecretBox.newKey());

    private static ProviderKeySnapshot foreignKey(String label) {
        return new ProviderKeySnapshot(Fixture.id(), label, FOREIGN.seal("up-b"), "up-b", null, null, 100, true);
    }

    private io.restassured.response.Response chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions");
    }

    @Test
    void aKeyThatCannotBeOpenedIsSkippedAsNoCredentialAndTheNextKeyServes() {
        String model = Fixture.unique("sealed-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(foreignKey("foreign"), Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-u")))),
                List.of(), List.of(), List.of());
        String tenant = fx.tenant();

        chat(tenant, model).then().statusCode(200).header("x-switchboard-attempts", "1");
        assertThat(mock.counts().total()).isEqualTo(1);
        given().header("Authorization", "Bearer " + tenant).contentType("application/json")
                .body("{\"model\":\"" + model + "\"}").when().post("/v1/route/explain")
                .then().statusCode(200).body("skipped.reason", hasItem("no_credential"));
        Management.given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aCatalogWhoseKeysCannotBeOpenedMakesTheRelayNotReadyAndSendsNothing() {
        String model = Fixture.unique("sealed-model");
        try {
            fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                    List.of(foreignKey("foreign")), List.of(Fixture.model(model, "gpt-u")))),
                    List.of(), List.of(), List.of());

            chat(fx.tenant(), model).then().statusCode(503).body("error.code", equalTo("no_upstream_available"));
            assertThat(mock.counts().total()).as("no request without its credential").isZero();
            Management.given().when().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream-secrets' }.status", equalTo("DOWN"));
        } finally {
            fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                    List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-u")))),
                    List.of(), List.of(), List.of());
        }
        Management.given().when().get("/q/health/ready").then().statusCode(200);
    }
}
