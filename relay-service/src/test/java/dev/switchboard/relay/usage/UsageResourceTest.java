package dev.switchboard.relay.usage;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.id;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.relay.limits.Admission;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.store.LimitStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UsageResourceTest {

    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    LimitService limits;

    /** Registers a tenant key in the L2 auth cache the relay reads, returns the plaintext key. */
    private String register(ApiKeySnapshot snapshot) throws Exception {
        String plaintext = dev.switchboard.relay.support.Fixture.newSecret();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        redis.value(String.class).setex(RedisKeys.authKey(sha), 600, mapper.writeValueAsString(AuthCacheEntry.found(snapshot)));
        return plaintext;
    }

    private static ApiKeySnapshot snapshot(Integer rpm, Integer concurrency, BigDecimal balance, GroupSnapshot group) {
        long keyId = id();
        long userId = id();
        UserSnapshot user = new UserSnapshot(userId, "u", "active", "user", balance, concurrency, 1);
        return new ApiKeySnapshot(Schema.AUTH, 1, keyId, "ci", "sk-sb-usa", userId, group.id(), ApiKeySnapshot.ACTIVE, null,
                List.of(), List.of(), rpm, user, group, List.of());
    }

    @Test
    void showsSpendAndWhatRemainsOfEachLimit() throws Exception {
        GroupSnapshot g = group(new BigDecimal("10"), null, new BigDecimal("100"));
        ApiKeySnapshot key = snapshot(60, 4, new BigDecimal("25"), g);
        String plaintext = register(key);
        Instant now = Instant.now();
        redis.value(Long.class).setex(RedisKeys.groupSpend(g.id(), SpendPeriod.DAY.id(now)), 600, 2_500_000L);
        redis.value(Long.class).setex(RedisKeys.groupSpend(g.id(), SpendPeriod.WEEK.id(now)), 600, 7_000_000L);
        redis.value(Long.class).setex(RedisKeys.groupSpend(g.id(), SpendPeriod.MONTH.id(now)), 600, 40_000_000L);
        redis.hash(Long.class).hset(RedisKeys.userSpend(key.userId()), LimitStore.UNSETTLED_TOTAL, 1_250_000L);
        redis.key().expire(RedisKeys.userSpend(key.userId()), 600);
        Admission a1 = limits.admit(key, "u1").await().atMost(Duration.ofSeconds(5));
        Admission a2 = limits.admit(key, "u2").await().atMost(Duration.ofSeconds(5));
        limits.admit(key, "u3").await().atMost(Duration.ofSeconds(5)).lease().release();
        awaitHeldLeases(key.userId(), 2); // releases reach Redis in the next release pipeline, not at once
        try {
            given().header("Authorization", "Bearer " + plaintext)
                    .when().get("/v1/usage")
                    .then().statusCode(200)
                    .body("object", equalTo("usage"))
                    .body("key.id", equalTo(key.apiKeyId()))
                    .body("key.requests_this_minute", equalTo(3))
                    .body("group.id", equalTo(g.id()))
                    .body("group.today_usd", equalTo(2.5f))
                    .body("group.week_usd", equalTo(7.0f))
                    .body("group.month_usd", equalTo(40.0f))
                    .body("user.balance_usd", equalTo(25))
                    .body("user.unsettled_usd", equalTo(1.25f))
                    .body("limits.requests_per_minute.limit", equalTo(60))
                    .body("limits.requests_per_minute.remaining", equalTo(57))
                    .body("limits.concurrency.limit", equalTo(4))
                    .body("limits.concurrency.used", equalTo(2))
                    .body("limits.concurrency.remaining", equalTo(2))
                    .body("limits.daily_usd.remaining", equalTo(7.5f))
                    .body("limits.weekly_usd.limit", nullValue())
                    .body("limits.weekly_usd.remaining", nullValue())
                    .body("limits.monthly_usd.remaining", equalTo(60.0f))
                    .body("limits.balance_usd.remaining", equalTo(23.75f));
        } finally {
            a1.lease().release();
            a2.lease().release();
        }
    }

    private void awaitHeldLeases(long userId, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (redis.sortedSet(String.class).zcard(RedisKeys.concurrency(userId)) != expected
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void unlimitedKeyShowsNullLimitsAndFinishedRequestsThisMinute() throws Exception {
        ApiKeySnapshot key = snapshot(null, null, null, group(null, null, null));
        String plaintext = register(key);
        given().header("x-api-key", plaintext)
                .when().get("/v1/usage")
                .then().statusCode(200)
                .body("key.requests_this_minute", equalTo(0))
                .body("group.today_usd", equalTo(0.0f))
                .body("limits.requests_per_minute.limit", nullValue())
                .body("limits.requests_per_minute.remaining", nullValue())
                .body("limits.concurrency.remaining", nullValue())
                .body("limits.daily_usd.remaining", nullValue())
                .body("limits.balance_usd.remaining", nullValue());
    }

    @Test
    void returns401InOpenAiShapeWithoutKey() {
        given().when().get("/v1/usage")
                .then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"))
                .body("error.type", notNullValue())
                .body("error.message", containsString("API key"));
    }

    @Test
    void returns401ForUnknownKey() throws Exception {
        String unknown = dev.switchboard.relay.support.Fixture.newSecret();
        String unknownSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(unknown.getBytes(StandardCharsets.UTF_8)));
        redis.value(String.class).setex(RedisKeys.authKey(unknownSha), 600, mapper.writeValueAsString(AuthCacheEntry.notFound(1)));
        given().header("x-api-key", unknown).when().get("/v1/usage")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void isDocumentedInOpenApi() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.'/v1/usage'.get.summary", notNullValue())
                .body("paths.'/v1/usage'.get.responses.'200'", notNullValue())
                .body("paths.'/v1/usage'.get.responses.'401'", notNullValue());
    }
}
