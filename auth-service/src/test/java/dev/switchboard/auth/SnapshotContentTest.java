package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a relay finds in Redis (DB 1) after each kind of change, and the invalidations it hears. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class SnapshotContentTest {

    @Inject
    RedisEntries redis;
    @Inject
    RedisDataSource ds;

    final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    PubSubCommands.RedisSubscriber subscriber;
    final ObjectMapper mapper = RedisEntries.MAPPER;

    @BeforeEach
    void subscribe() {
        subscriber = ds.pubsub(String.class).subscribe(RedisKeys.AUTH_EVENTS, msg -> {
            try {
                events.add(mapper.readValue(msg, AuthEvent.class));
            } catch (Exception e) {
                // Other writers' test messages are not ours to judge.
            }
        });
    }

    @AfterEach
    void unsubscribe() {
        subscriber.unsubscribe();
    }

    private AuthEvent awaitEvent(Predicate<AuthEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (AuthEvent e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching auth event within 5 s; got " + events);
    }

    private ApiKeySnapshot snapshot(String hash) {
        AuthCacheEntry entry = redis.entry(hash);
        assertThat(entry).as("entry in Redis").isNotNull();
        assertThat(entry.notFound()).isFalse();
        assertThat(entry.version()).isEqualTo(entry.snapshot().version());
        return entry.snapshot();
    }

    @Test
    void createWritesTheFullSnapshotAndAnnouncesIt() throws Exception {
        long epochBefore = redis.epoch();
        long user = Api.createUser(Map.of("balanceUsd", 12.5, "concurrency", 3, "role", "admin"));
        long fallback = Api.createGroup();
        long group = Api.createGroup(Map.of("platform", "openai", "rateMultiplier", 1.5, "monthlyLimitUsd", 100,
                "allowedModels", List.of("gpt-*"), "modelRouting", Map.of("gpt-4*", List.of("coding-fast", "provider:openai")),
                "modelRoutingEnabled", true, "fallbackGroupId", fallback));
        var created = Api.createKey(user, group, Map.of("rpmLimit", 120, "ipAllow", List.of("10.0.0.0/8"),
                "expiresAt", "2031-01-01T00:00:00Z"));
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        long keyId = created.getLong("apiKey.id");

        ApiKeySnapshot s = snapshot(hash);
        assertThat(s.apiKeyId()).isEqualTo(keyId);
        assertThat(s.status()).isEqualTo("active");
        assertThat(s.keyPrefix()).isEqualTo(created.getString("key").substring(0, 12));
        assertThat(s.rpmLimit()).isEqualTo(120);
        assertThat(s.ipAllow()).containsExactly("10.0.0.0/8");
        assertThat(s.expiresAt()).hasToString("2031-01-01T00:00:00Z");
        assertThat(s.user().id()).isEqualTo(user);
        assertThat(s.user().balanceUsd()).isEqualByComparingTo("12.5");
        assertThat(s.user().concurrency()).isEqualTo(3);
        assertThat(s.user().role()).isEqualTo("admin");
        assertThat(s.group().platform()).isEqualTo("openai");
        assertThat(s.group().rateMultiplier()).isEqualByComparingTo("1.5");
        assertThat(s.group().monthlyLimitUsd()).isEqualByComparingTo("100");
        assertThat(s.group().allowedModels()).containsExactly("gpt-*");
        assertThat(s.group().modelRouting()).containsEntry("gpt-4*", List.of("coding-fast", "provider:openai"));
        assertThat(s.group().modelRoutingEnabled()).isTrue();
        assertThat(s.fallbackGroups()).extracting(g -> g.id()).containsExactly(fallback);
        assertThat(redis.ttlSeconds(hash)).isGreaterThan(60);

        AuthEvent e = awaitEvent(ev -> ev.kind().equals("key") && ev.id() == keyId);
        assertThat(e.keyHashes()).containsExactly(hash);
        assertThat(e.version()).isEqualTo(s.version());
        assertThat(redis.epoch()).isGreaterThan(epochBefore);
    }

    @Test
    void userChangeReachesEveryKeyOfTheUser() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        String h1 = KeySecrets.sha256Hex(Api.createKey(user, Api.createGroup(), Map.of()).getString("key"));
        String h2 = KeySecrets.sha256Hex(Api.createKey(user, Api.createGroup(), Map.of()).getString("key"));
        long v1 = snapshot(h1).version();
        long v2 = snapshot(h2).version();

        Api.admin().body(Map.of("status", "disabled", "balanceUsd", 3)).patch("/admin/users/" + user).then().statusCode(200);

        for (String h : List.of(h1, h2)) {
            ApiKeySnapshot s = snapshot(h);
            assertThat(s.user().status()).isEqualTo("disabled");
            assertThat(s.user().balanceUsd()).isEqualByComparingTo(BigDecimal.valueOf(3));
        }
        assertThat(snapshot(h1).version()).isGreaterThan(v1);
        assertThat(snapshot(h2).version()).isGreaterThan(v2);
        AuthEvent e = awaitEvent(ev -> ev.kind().equals("user") && ev.id() == user);
        assertThat(e.keyHashes()).containsExactlyInAnyOrder(h1, h2);
    }

    @Test
    void groupChangeReachesKeysOfGroupsFallingBackToIt() throws Exception {
        long base = Api.createGroup();
        long middle = Api.createGroup(Map.of("fallbackGroupId", base));
        long top = Api.createGroup(Map.of("fallbackGroupId", middle));
        long unrelated = Api.createGroup();
        long user = Api.createUser();
        String hTop = KeySecrets.sha256Hex(Api.createKey(user, top, Map.of()).getString("key"));
        String hBase = KeySecrets.sha256Hex(Api.createKey(user, base, Map.of()).getString("key"));
        String hOther = KeySecrets.sha256Hex(Api.createKey(user, unrelated, Map.of()).getString("key"));
        assertThat(snapshot(hTop).fallbackGroups()).extracting(g -> g.id()).containsExactly(middle, base);
        long otherVersion = snapshot(hOther).version();

        Api.admin().body(Map.of("dailyLimitUsd", 7, "modelRouting", Map.of("claude-*", List.of("pool-claude"))))
                .patch("/admin/groups/" + base).then().statusCode(200);

        assertThat(snapshot(hBase).group().dailyLimitUsd()).isEqualByComparingTo("7");
        assertThat(snapshot(hBase).group().modelRouting()).containsOnlyKeys("claude-*");
        assertThat(snapshot(hTop).fallbackGroups().get(1).dailyLimitUsd()).isEqualByComparingTo("7");
        assertThat(snapshot(hOther).version()).isEqualTo(otherVersion);
        AuthEvent e = awaitEvent(ev -> ev.kind().equals("group") && ev.id() == base);
        assertThat(e.keyHashes()).contains(hTop, hBase).doesNotContain(hOther);
    }

    @Test
    void statusChangesRotationAndDeletionAreVisibleAtOnce() throws Exception {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        long id = created.getLong("apiKey.id");
        long v0 = snapshot(hash).version();

        Api.admin().post("/admin/keys/" + id + "/disable").then().statusCode(200);
        assertThat(snapshot(hash).status()).isEqualTo("disabled");
        long v1 = snapshot(hash).version();
        assertThat(v1).isGreaterThan(v0);

        Api.admin().post("/admin/keys/" + id + "/enable").then().statusCode(200);
        assertThat(snapshot(hash).status()).isEqualTo("active");

        Api.admin().body(Map.of("ipDeny", List.of("192.0.2.0/24"))).patch("/admin/keys/" + id).then().statusCode(200);
        assertThat(snapshot(hash).ipDeny()).containsExactly("192.0.2.0/24");

        var rotated = Api.admin().post("/admin/keys/" + id + "/rotate").then().statusCode(201).extract().jsonPath();
        String newHash = KeySecrets.sha256Hex(rotated.getString("key"));
        assertThat(snapshot(hash).status()).isEqualTo("revoked");
        assertThat(snapshot(newHash).status()).isEqualTo("active");
        assertThat(snapshot(newHash).ipDeny()).containsExactly("192.0.2.0/24");
        long newId = rotated.getLong("apiKey.id");
        AuthEvent rot = awaitEvent(ev -> ev.kind().equals("key") && ev.id() == id && ev.keyHashes().size() == 2);
        assertThat(rot.keyHashes()).containsExactlyInAnyOrder(hash, newHash);

        long before = snapshot(newHash).version();
        Api.admin().delete("/admin/keys/" + newId).then().statusCode(204);
        AuthCacheEntry gone = redis.entry(newHash);
        assertThat(gone.notFound()).isTrue();
        assertThat(gone.snapshot()).isNull();
        assertThat(gone.version()).isGreaterThan(before);
        assertThat(redis.ttlSeconds(newHash)).isBetween(1L, 300L);
    }

    @Test
    void rebuildRestoresLostEntries() {
        String hash = KeySecrets.sha256Hex(Api.createKey().getString("key"));
        redis.delete(hash);
        Api.admin().post("/admin/snapshots/rebuild").then().statusCode(200);
        assertThat(snapshot(hash).status()).isEqualTo("active");
    }

    @Test
    void rebuildAnnouncesTheKeysItRewroteAndBumpsTheEpoch() throws Exception {
        String hash = KeySecrets.sha256Hex(Api.createKey().getString("key"));
        long epochBefore = ds.value(Long.class).get(RedisKeys.AUTH_EPOCH);

        Api.admin().post("/admin/snapshots/rebuild").then().statusCode(200);

        AuthEvent e = awaitEvent(ev -> AuthEvent.REBUILD.equals(ev.kind()) && ev.keyHashes().contains(hash));
        assertThat(e.version()).isGreaterThanOrEqualTo(snapshot(hash).version());
        assertThat(ds.value(Long.class).get(RedisKeys.AUTH_EPOCH)).isGreaterThan(epochBefore);
    }
}
