package dev.switchboard.relay.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.LogCapture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(AuthServiceStub.class)
class TenantAuthTest extends RelayTestBase {

    @jakarta.inject.Inject
    AuthCache cache;

    private String model;

    @BeforeEach
    void seed() {
        model = Fixture.unique("auth-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
    }

    @AfterEach
    void up() {
        AuthServiceStub.down = false;
    }

    private io.restassured.response.ValidatableResponse chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions").then();
    }

    private void refused(ApiKeySnapshot snapshot, String code) {
        String key = fx.seedKey(snapshot);
        chat(key).statusCode(403).body("error.code", equalTo(code)).body("error.type", equalTo("permission_error"));
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void returns401WithoutKey() {
        given().contentType("application/json").body("{\"model\":\"" + model + "\"}")
                .when().post("/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void returns401ForUnknownKeyAndCachesTheAnswer() {
        String unknown = Fixture.newSecret();
        int before = AuthServiceStub.calls.get();
        chat(unknown).statusCode(401).body("error.code", equalTo("invalid_api_key"));
        chat(unknown).statusCode(401);
        chat(unknown).statusCode(401);
        // one trip to auth-service, then the negative L1 entry answers
        assertThat(AuthServiceStub.calls.get() - before).isEqualTo(1);
        assertThat(AuthServiceStub.lastToken).isEqualTo("test-internal-token");
    }

    @Test
    void loadsAKeyMissingInRedisFromAuthService() {
        ApiKeySnapshot snapshot = Fixture.key(Fixture.group(List.of(), Map.of()));
        String key = Fixture.newSecret();
        AuthServiceStub.answers.put(TenantAuthenticator.sha256Hex(key), fx.json(AuthCacheEntry.found(snapshot)));
        chat(key).statusCode(200);
    }

    @Test
    void returns503NotA401WhenNeitherRedisNorAuthServiceKnowsAndAuthServiceIsDown() {
        AuthServiceStub.down = true;
        chat(Fixture.newSecret()).statusCode(503).body("error.code", equalTo("auth_unavailable"));
    }

    @Test
    void servesACachedKeyWhileAuthServiceIsDown() {
        String key = fx.tenant();
        chat(key).statusCode(200);
        AuthServiceStub.down = true;
        chat(key).statusCode(200);
    }

    @Test
    void refusesDisabledKey() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.DISABLED, null,
                List.of(), List.of()), "key_disabled");
    }

    @Test
    void refusesRevokedKey() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.REVOKED, null,
                List.of(), List.of()), "key_revoked");
    }

    @Test
    void refusesExpiredKey() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE,
                Instant.now().minusSeconds(5), List.of(), List.of()), "key_expired");
    }

    @Test
    void refusesDisabledUser() {
        UserSnapshot u = Fixture.user();
        UserSnapshot disabled = new UserSnapshot(u.id(), u.name(), "disabled", u.role(), null, null, 2);
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), disabled, ApiKeySnapshot.ACTIVE, null, List.of(),
                List.of()), "user_disabled");
    }

    @Test
    void refusesDisabledGroup() {
        GroupSnapshot g = Fixture.group(List.of(), Map.of());
        GroupSnapshot disabled = new GroupSnapshot(g.id(), g.name(), g.platform(), "disabled", g.subscriptionType(),
                g.rateMultiplier(), null, null, null, List.of(), null, Map.of(), false, 2);
        refused(Fixture.key(disabled), "group_disabled");
    }

    @Test
    void refusesAddressOutsideTheAllowList() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                List.of("10.0.0.0/8", "2001:db8::/32"), List.of()), "ip_not_allowed");
    }

    @Test
    void refusesDeniedAddressEvenWhenAllowed() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                List.of("127.0.0.0/8"), List.of("127.0.0.1/32")), "ip_not_allowed");
    }

    @Test
    void admitsAddressInsideTheAllowList() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE,
                null, List.of("127.0.0.0/8", "::1/128"), List.of()));
        chat(key).statusCode(200);
    }

    @Test
    void refusesAKeyWhoseAllowRuleDoesNotParseInsteadOfAdmittingEveryone() {
        // a snapshot written straight into Redis, as auth-service stored an IPv4-mapped block before Cidr
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                List.of("10.0.0.0/104"), List.of()), "ip_rules_unusable");
    }

    @Test
    void refusesAKeyWhoseDenyRuleDoesNotParseInsteadOfNeverDenying() {
        refused(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                List.of("127.0.0.0/8"), List.of("::ffff:0:0/95")), "ip_rules_unusable");
    }

    @Test
    void refusesAKeyWithUnusableRulesInTheAnthropicShapeToo() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                List.of("localhost/32"), List.of()));
        given().contentType("application/json").header("x-api-key", key)
                .body("{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/messages")
                .then().statusCode(403)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("permission_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("IP rules"));
        assertThat(mock.counts().total()).isZero();
    }

    private static ApiKeySnapshot nextVersion(ApiKeySnapshot k, List<String> ipAllow) {
        return new ApiKeySnapshot(k.v(), k.version() + 1, k.apiKeyId(), k.name(), k.keyPrefix(), k.userId(), k.groupId(),
                k.status(), k.expiresAt(), ipAllow, k.ipDeny(), k.rpmLimit(), k.user(), k.group(), k.fallbackGroups());
    }

    @Test
    void logsUnusableRulesOncePerKeyVersionNotPerRequest() {
        try (LogCapture capture = LogCapture.start(r -> AuthCache.class.getName().equals(r.getLoggerName()))) {
            List<String> lines = capture.messages();
            ApiKeySnapshot v1 = Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE, null,
                    List.of("10.0.0.0/104"), List.of());
            String key = fx.seedKey(v1);
            for (int i = 0; i < 3; i++) {
                chat(key).statusCode(403).body("error.code", equalTo("ip_rules_unusable"));
            }
            cache.invalidateAll(); // loaded again, same version
            chat(key).statusCode(403).body("error.code", equalTo("ip_rules_unusable"));
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("API key " + v1.apiKeyId() + " version " + v1.version())
                    .contains("ipAllow[0] \"10.0.0.0/104\"")
                    .doesNotContain(key).doesNotContain(TenantAuthenticator.sha256Hex(key));

            // the next version of the key, still wrong: one more line
            ApiKeySnapshot v2 = nextVersion(v1, List.of("::ffff:0:0/95"));
            fx.seedKey(key, v2);
            cache.invalidateAll();
            chat(key).statusCode(403).body("error.code", equalTo("ip_rules_unusable"));
            chat(key).statusCode(403);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).contains("version " + v2.version()).contains("ipAllow[0] \"::ffff:0:0/95\"");

            // corrected: the key is served again
            ApiKeySnapshot v3 = nextVersion(v2, List.of("127.0.0.0/8"));
            fx.seedKey(key, v3);
            cache.invalidateAll();
            chat(key).statusCode(200);
            assertThat(lines).hasSize(2);
        }
    }

    @Test
    void withoutTrustedProxyHopsXForwardedForIsIgnored() {
        // default: 0 hops, the peer address (127.0.0.1) is the client whatever the header claims
        String allowed = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE,
                null, List.of("10.0.0.0/8"), List.of()));
        given().header("Authorization", "Bearer " + allowed).header("X-Forwarded-For", "10.1.2.3")
                .contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions")
                .then().statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        String denied = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), Fixture.user(), ApiKeySnapshot.ACTIVE,
                null, List.of(), List.of("127.0.0.1/32")));
        given().header("Authorization", "Bearer " + denied).header("X-Forwarded-For", "10.1.2.3")
                .contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions")
                .then().statusCode(403).body("error.code", equalTo("ip_not_allowed"));
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void refusesModelOutsideTheGroupsAllowedModels() {
        String key = fx.seedKey(Fixture.key(Fixture.group(List.of("claude-*"), Map.of())));
        chat(key).statusCode(403).body("error.code", equalTo("model_not_allowed"));
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void anthropicEndpointRefusesInItsOwnShape() {
        given().contentType("application/json").header("x-api-key", Fixture.newSecret())
                .body("{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[]}")
                .when().post("/v1/messages")
                .then().statusCode(401)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("authentication_error"));
    }
}
