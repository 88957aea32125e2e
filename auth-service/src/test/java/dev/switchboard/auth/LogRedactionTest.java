package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.ledger.LedgerConsumer;
import dev.switchboard.auth.service.KeySecrets;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No secret, key hash, bearer token or service token in a log line or an error body. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class LogRedactionTest {

    @Inject
    RedisEntries redis;
    @Inject
    LedgerConsumer ledger;

    final List<String> lines = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String msg = r instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
            StringBuilder sb = new StringBuilder(r.getLoggerName() + " " + msg);
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(' ').append(w);
            }
            lines.add(sb.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void attach() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void detach() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void secretsHashesAndTokensNeverReachLogsOrErrorBodies() throws Exception {
        List<String> bodies = new ArrayList<>();
        long user = Api.createUser(Map.of("balanceUsd", 3));
        long group = Api.createGroup();
        var created = Api.createKey(user, group, Map.of());
        String secret = created.getString("key");
        String hash = KeySecrets.sha256Hex(secret);
        long keyId = created.getLong("apiKey.id");

        // The relay's lookups: hit, miss + load, unknown, malformed, wrong token.
        InternalSnapshotEndpointTest.relay().get(InternalSnapshotEndpointTest.PATH + hash).then().statusCode(200);
        redis.delete(hash);
        InternalSnapshotEndpointTest.relay().get(InternalSnapshotEndpointTest.PATH + hash).then().statusCode(200);
        String unknownSecret = "sk-sb-" + "Q".repeat(43);
        String unknownHash = KeySecrets.sha256Hex(unknownSecret);
        bodies.add(InternalSnapshotEndpointTest.relay().get(InternalSnapshotEndpointTest.PATH + unknownHash).then()
                .statusCode(404).extract().asString());
        bodies.add(InternalSnapshotEndpointTest.relay().get(InternalSnapshotEndpointTest.PATH + unknownSecret).then()
                .statusCode(404).extract().asString());
        String wrongServiceToken = "wrong-service-token-4711";
        bodies.add(given().header("x-switchboard-service-token", wrongServiceToken)
                .get(InternalSnapshotEndpointTest.PATH + hash).then().statusCode(401).extract().asString());

        // Management calls: forged and wrong-role tokens, bad input, rotation, revocation.
        String forged = Tokens.ADMIN.substring(0, Tokens.ADMIN.lastIndexOf('.') + 1) + "Zm9yZ2Vk";
        bodies.add(given().auth().oauth2(forged).get("/admin/keys").then().statusCode(401).extract().asString());
        bodies.add(given().auth().oauth2(Tokens.VIEWER).post("/admin/keys/" + keyId + "/revoke").then().statusCode(403)
                .extract().asString());
        bodies.add(Api.admin().body(Map.of("name", "k", "userId", user, "groupId", group, "ipAllow", List.of("nope")))
                .post("/admin/keys").then().statusCode(422).extract().asString());
        bodies.add(Api.admin().body("{\"name\": \"" + secret).patch("/admin/keys/" + keyId).then().statusCode(400).extract()
                .asString());
        var rotated = Api.admin().post("/admin/keys/" + keyId + "/rotate").then().statusCode(201).extract().jsonPath();
        String secret2 = rotated.getString("key");
        Api.admin().post("/admin/keys/" + rotated.getLong("apiKey.id") + "/revoke").then().statusCode(200);
        bodies.add(Api.admin().post("/admin/keys/" + keyId + "/enable").then().statusCode(409).extract().asString());
        ledger.pollOnce(Duration.ZERO);

        List<String> forbidden = List.of(secret, hash, secret2, KeySecrets.sha256Hex(secret2), unknownSecret, unknownHash,
                Tokens.ADMIN, Tokens.VIEWER, forged, InternalSnapshotEndpointTest.TOKEN, wrongServiceToken);
        assertThat(lines).as("something was logged at all").isNotEmpty();
        for (String f : forbidden) {
            assertThat(lines).as("log lines").noneMatch(l -> l.contains(f));
            assertThat(bodies).as("error bodies").noneMatch(b -> b.contains(f));
        }
        // The secret is recognisable by its display prefix only.
        assertThat(secret.substring(0, 12)).hasSize(12);
    }
}
