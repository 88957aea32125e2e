package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.auth.service.SnapshotAssembler;
import dev.switchboard.auth.store.AuthCacheStore;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compare-and-set on version, raced deterministically: a loader that read the rows before a
 * change writes after the change's own write, and loses.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class CasRaceTest {

    @Inject
    SnapshotAssembler assembler;
    @Inject
    AuthCacheStore store;
    @Inject
    RedisEntries redis;
    @Inject
    RedisDataSource ds;

    @Test
    void aSlowLoaderNeverResurrectsARevokedKey() {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        // 1. The loader reads PostgreSQL while the key is still active ...
        ApiKeySnapshot stale = assembler.loadByHash(hash).orElseThrow();
        assertThat(stale.status()).isEqualTo("active");
        // 2. ... the operator revokes it (write-through to Redis) ...
        Api.admin().post("/admin/keys/" + created.getLong("apiKey.id") + "/revoke").then().statusCode(200);
        // 3. ... and only then does the loader write what it read.
        boolean written = store.compareAndSet(hash, AuthCacheEntry.found(stale), Duration.ofMinutes(5));

        assertThat(written).isFalse();
        assertThat(redis.entry(hash).snapshot().status()).isEqualTo("revoked");
    }

    @Test
    void aSlowLoaderNeverResurrectsADeletedKey() {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        ApiKeySnapshot stale = assembler.loadByHash(hash).orElseThrow();
        Api.admin().delete("/admin/keys/" + created.getLong("apiKey.id")).then().statusCode(204);

        assertThat(store.compareAndSet(hash, AuthCacheEntry.found(stale), Duration.ofMinutes(5))).isFalse();
        assertThat(redis.entry(hash).notFound()).isTrue();
    }

    @Test
    void aLoaderOfAnUnknownKeyNeverHidesAKeyCreatedMeanwhile() {
        var created = Api.createKey(Api.createUser(), Api.createGroup(), Map.of());
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        // A loader that looked the hash up just before the insert committed holds "not found, version 0".
        assertThat(store.compareAndSet(hash, AuthCacheEntry.notFound(0), Duration.ofSeconds(60))).isFalse();
        assertThat(redis.entry(hash).notFound()).isFalse();
    }

    @Test
    void aNewerVersionReplacesAnOlderOneAndAnEqualOneIsKept() {
        var created = Api.createKey();
        String hash = KeySecrets.sha256Hex(created.getString("key"));
        ApiKeySnapshot current = redis.entry(hash).snapshot();
        assertThat(store.compareAndSet(hash, AuthCacheEntry.found(current), Duration.ofMinutes(5))).isFalse();
        AuthCacheEntry newer = AuthCacheEntry.notFound(current.version() + 1);
        assertThat(store.compareAndSet(hash, newer, Duration.ofMinutes(5))).isTrue();
        assertThat(redis.entry(hash).notFound()).isTrue();
    }

    @Test
    void aPipelinedRewriteKeepsEachEntrysCompareAndSet() {
        var revoked = Api.createKey();
        String revokedHash = KeySecrets.sha256Hex(revoked.getString("key"));
        ApiKeySnapshot stale = assembler.loadByHash(revokedHash).orElseThrow();
        Api.admin().post("/admin/keys/" + revoked.getLong("apiKey.id") + "/revoke").then().statusCode(200);
        String unknownHash = KeySecrets.sha256Hex("sk-sb-unknown-" + System.nanoTime());

        var written = store.compareAndSetAll(java.util.List.of(
                new AuthCacheStore.Write(revokedHash, AuthCacheEntry.found(stale), Duration.ofMinutes(5)),
                new AuthCacheStore.Write(unknownHash, AuthCacheEntry.notFound(7), Duration.ofSeconds(60))), Duration.ofSeconds(5));

        assertThat(written).containsExactly(false, true);
        assertThat(redis.entry(revokedHash).snapshot().status()).isEqualTo("revoked");
        assertThat(redis.entry(unknownHash).version()).isEqualTo(7);
    }

    @Test
    void anUnreadableEntryIsReplaced() {
        String hash = KeySecrets.sha256Hex("sk-sb-garbage-" + System.nanoTime());
        ds.value(String.class).setex(RedisKeys.authKey(hash), 60, "{not json");
        assertThat(store.compareAndSet(hash, AuthCacheEntry.notFound(0), Duration.ofSeconds(60))).isTrue();
        assertThat(redis.entry(hash).notFound()).isTrue();
    }
}
