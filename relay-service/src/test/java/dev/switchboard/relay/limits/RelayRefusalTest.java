package dev.switchboard.relay.limits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refusals as a tenant sees them on /v1/chat/completions: status, Retry-After and the OpenAI error shape. */
@QuarkusTest
class RelayRefusalTest extends RelayTestBase {

    private String model;

    @BeforeEach
    void catalog() {
        model = Fixture.unique("limits-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("limits-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a")), List.of(Fixture.model(model, "gpt-4o")))),
                List.of(), List.of(), List.of());
    }

    private Response chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    private static GroupSnapshot group(BigDecimal daily) {
        long id = Fixture.id();
        return new GroupSnapshot(id, "group-" + id, "any", "active", "standard", BigDecimal.ONE, daily, null, null,
                List.of(), null, null, false, 1);
    }

    private static ApiKeySnapshot key(Integer rpm, BigDecimal balance, GroupSnapshot group, GroupSnapshot... fallbacks) {
        long userId = Fixture.id();
        UserSnapshot user = new UserSnapshot(userId, "u", "active", "user", balance, null, 1);
        ApiKeySnapshot k = Fixture.key(group, user, ApiKeySnapshot.ACTIVE, null, List.of(), List.of());
        return new ApiKeySnapshot(k.v(), k.version(), k.apiKeyId(), k.name(), k.keyPrefix(), k.userId(), k.groupId(), k.status(),
                null, List.of(), List.of(), rpm, user, group, List.of(fallbacks));
    }

    private static Response chatWithModel(String key, String modelJson) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":" + modelJson + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void overLongOrControlCharacterModelNamesAre400BeforeAdmissionAndNeverCounted() {
        String key = fx.seedKey(key(1, null, group(null)));
        for (String name : List.of("\"" + "m".repeat(257) + "\"", "\"gpt\\u0000-4o\"", "\"gpt\\n4o\"", "\"a\\u007f\"")) {
            chatWithModel(key, name).then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                    .body("error.message", org.hamcrest.Matchers.containsString("'model'"));
        }
        // 256 characters is allowed (unknown, so 404, not 429): the key's one rpm slot was still free, so none of
        // the refused requests was admitted.
        chatWithModel(key, "\"" + "m".repeat(256) + "\"").then().statusCode(404);
        assertThat(mock.counts().total()).isZero();
    }

    @Test
    void rpmRefusalCarriesRetryAfterAndOpenAiError() {
        String key = fx.seedKey(key(1, null, group(null)));
        chat(key).then().statusCode(200);
        Response refused = chat(key);
        refused.then().statusCode(429)
                .header("Retry-After", notNullValue())
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", notNullValue());
        // sliding-window counter, limit 1: room again once this minute's request has left the estimate,
        // i.e. at the end of the next minute (61..120 s from now)
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(61L, 120L);
        assertThat(mock.counts().total()).as("a refused request never reaches the upstream").isEqualTo(1);
    }

    @Test
    void budgetRefusalAndFallbackGroupThroughTheRelay() {
        GroupSnapshot spent = group(new BigDecimal("1"));
        GroupSnapshot fallback = group(new BigDecimal("1"));
        redis.value(Long.class).setex(RedisKeys.groupSpend(spent.id(), SpendPeriod.DAY.id(Instant.now())), 600, 1_000_000L);
        String alone = fx.seedKey(key(null, null, spent));
        chat(alone).then().statusCode(429).header("Retry-After", notNullValue()).body("error.code", equalTo("budget_exceeded"));

        String withFallback = fx.seedKey(key(null, null, spent, fallback));
        chat(withFallback).then().statusCode(200);
        // usage is billed to the fallback group
        long deadline = System.currentTimeMillis() + 5_000;
        String counter = RedisKeys.groupSpend(fallback.id(), SpendPeriod.DAY.id(Instant.now()));
        while (redis.value(Long.class).get(counter) == null && System.currentTimeMillis() < deadline) {
            Fixture.sleep(20);
        }
        assertThat(redis.value(Long.class).get(counter)).isPositive();
    }

    @Test
    void exhaustedBalanceIs402WithoutRetryAfter() {
        String key = fx.seedKey(key(null, new BigDecimal("0"), group(null)));
        chat(key).then().statusCode(402)
                .header("Retry-After", nullValue())
                .body("error.code", equalTo("insufficient_balance"));
    }
}
