package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.service.KeySecrets;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * V5 rewrites the IP rules stored before contracts' Cidr in the broken mapped form ({@code 10.0.0.0/104}).
 * Flyway ran it on an empty table at start, so the test writes such rows itself and runs the script again.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class MappedIpRulesMigrationTest {

    @Inject
    DataSource db;
    @Inject
    RedisEntries redis;

    private void storeRaw(long keyId, String allowJson, String denyJson) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE auth.api_keys SET ip_allow = ?, ip_deny = ? WHERE id = ?")) {
            s.setString(1, allowJson);
            s.setString(2, denyJson);
            s.setLong(3, keyId);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    private void runMigration() throws Exception {
        String sql;
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V5__mapped_ip_rules.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static JsonPath get(long keyId) {
        return Api.admin().get("/admin/keys/" + keyId).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void rewritesMappedRulesToTheirIpv4BlocksAndAnotherVersion() throws Exception {
        long user = Api.createUser();
        long group = Api.createGroup();
        JsonPath broken = Api.createKey(user, group, Map.of());
        long brokenId = broken.getLong("apiKey.id");
        String hash = KeySecrets.sha256Hex(broken.getString("key"));
        long fine = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        long wide = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        storeRaw(brokenId, "[\"10.0.0.0/104\",\"10.0.0.0/8\",\"2001:db8:0:0:0:0:0:0/32\"]", "[\"10.0.0.1/128\",\"192.168.1.77/120\"]");
        storeRaw(fine, "[\"10.1.2.3/8\"]", "[]");
        storeRaw(wide, "[\"0.0.0.0/95\"]", "[]");
        long brokenVersion = get(brokenId).getLong("version");
        long fineVersion = get(fine).getLong("version");
        long wideVersion = get(wide).getLong("version");

        runMigration();

        JsonPath fixed = get(brokenId);
        assertThat(fixed.getList("ipAllow", String.class)).containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32");
        assertThat(fixed.getList("ipDeny", String.class)).containsExactly("10.0.0.1/32", "192.168.1.0/24");
        assertThat(fixed.getLong("version")).isGreaterThan(brokenVersion);
        // a block the relay reads as it is, and one with no IPv4 equivalent, are left as they are
        assertThat(get(fine).getList("ipAllow", String.class)).containsExactly("10.1.2.3/8");
        assertThat(get(fine).getLong("version")).isEqualTo(fineVersion);
        assertThat(get(wide).getList("ipAllow", String.class)).containsExactly("0.0.0.0/95");
        assertThat(get(wide).getLong("version")).isEqualTo(wideVersion);

        // the new version lets the operator's rebuild replace the snapshot Redis still holds
        assertThat(redis.entry(hash).snapshot().ipAllow()).isEmpty();
        Api.admin().post("/admin/snapshots/rebuild").then().statusCode(200);
        assertThat(redis.entry(hash).snapshot().ipAllow()).isEqualTo(List.of("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32"));
        assertThat(redis.entry(hash).snapshot().ipDeny()).isEqualTo(List.of("10.0.0.1/32", "192.168.1.0/24"));
    }
}
