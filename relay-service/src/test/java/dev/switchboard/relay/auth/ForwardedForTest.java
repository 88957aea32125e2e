package dev.switchboard.relay.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.EdgeProfile;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With one trusted proxy hop the IP rules apply to the right-most X-Forwarded-For entry (the address
 * the trusted proxy saw); whatever a client wrote further left is ignored. The test client plays the
 * trusted proxy (peer 127.0.0.1).
 */
@QuarkusTest
@TestProfile(EdgeProfile.class)
class ForwardedForTest extends RelayTestBase {

    private String model;

    @BeforeEach
    void seed() {
        model = Fixture.unique("xff-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
    }

    private String key(List<String> allow, List<String> deny) {
        return fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                allow, deny));
    }

    private ValidatableResponse chat(String key, String... forwardedFor) {
        RequestSpecification r = given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        for (String line : forwardedFor) {
            r = r.header("X-Forwarded-For", line);
        }
        return r.when().post("/v1/chat/completions").then();
    }

    @Test
    void allowListIsCheckedAgainstTheAddressTheTrustedProxySaw() {
        String key = key(List.of("10.0.0.0/8"), List.of());
        chat(key, "10.1.2.3").statusCode(200);
        // a client outside the list that prepends an allowed address gets nothing from it
        chat(key, "10.9.9.9, 203.0.113.7").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        // no header: the peer (the proxy itself, 127.0.0.1) is the client
        chat(key).statusCode(403).body("error.code", equalTo("ip_not_allowed"));
    }

    @Test
    void denyListIsCheckedAgainstTheAddressTheTrustedProxySaw() {
        String key = key(List.of(), List.of("203.0.113.0/24"));
        chat(key, "203.0.113.7").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        chat(key, "10.9.9.9, 203.0.113.7").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        // only the right-most entry counts: a denied address further left was written by the client
        chat(key, "203.0.113.7, 10.1.2.3").statusCode(200);
    }

    @Test
    void aMappedClientAddressMatchesIpv4AllowAndDenyBlocks() {
        String allowed = key(List.of("10.0.0.0/8"), List.of());
        chat(allowed, "::ffff:10.1.2.3").statusCode(200);
        chat(allowed, "::ffff:11.1.2.3").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        String denied = key(List.of(), List.of("10.0.0.0/8"));
        chat(denied, "::ffff:10.1.2.3").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        chat(denied, "::ffff:11.1.2.3").statusCode(200);
    }

    @Test
    void aMappedBlockInASnapshotMatchesAnIpv4Client() {
        // written into Redis as given, not in the canonical form auth-service stores
        String allowed = key(List.of("::ffff:10.0.0.0/104"), List.of());
        chat(allowed, "10.1.2.3").statusCode(200);
        chat(allowed, "11.1.2.3").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        String denied = key(List.of(), List.of("::ffff:10.0.0.0/104"));
        chat(denied, "10.1.2.3").statusCode(403).body("error.code", equalTo("ip_not_allowed"));
    }

    @Test
    void aProxyThatAppendsItsOwnHeaderLineIsReadAsOneList() {
        // the client sent "10.1.2.3" itself; the trusted proxy added a second X-Forwarded-For line
        chat(key(List.of("10.0.0.0/8"), List.of()), "10.1.2.3", "203.0.113.7").statusCode(403)
                .body("error.code", equalTo("ip_not_allowed"));
        chat(key(List.of(), List.of("203.0.113.0/24")), "10.1.2.3", "203.0.113.7").statusCode(403)
                .body("error.code", equalTo("ip_not_allowed"));
    }
}
