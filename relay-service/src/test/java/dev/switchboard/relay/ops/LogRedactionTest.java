package dev.switchboard.relay.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** No tenant key, key hash, provider secret or bearer token ever reaches a log line. */
@QuarkusTest
class LogRedactionTest extends RelayTestBase {

    @Test
    void secretsNeverAppearInLogs() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLoggerName() != null && r.getLoggerName().startsWith("dev.switchboard.mock")) {
                    return; // the fake upstream is test infrastructure, not the relay
                }
                StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
                if (r.getParameters() != null) {
                    for (Object p : r.getParameters()) {
                        b.append(' ').append(p);
                    }
                }
                if (r.getThrown() != null) {
                    b.append(' ').append(r.getThrown());
                }
                lines.add(b.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger relay = Logger.getLogger("dev.switchboard.relay");
        Level before = relay.getLevel();
        relay.setLevel(Level.FINEST);
        root.addHandler(capture);
        String providerSecret = "up-a";
        String tenantKey;
        try {
            String model = Fixture.unique("redact-model");
            fx.publish(List.of(
                    Fixture.provider(Fixture.unique("p1"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                            List.of(Fixture.providerKey("k1", providerSecret)), List.of(Fixture.model(model, "gpt-r"))),
                    Fixture.provider(Fixture.unique("dead"), ProviderSnapshot.OPENAI, "http://127.0.0.1:1",
                            List.of(Fixture.providerKey("k2", "up-b")), List.of(Fixture.model(model, "gpt-r")))),
                    List.of(), List.of(), List.of());
            mock.addFault(new FaultRule(null, null, "status=401", -1));
            tenantKey = fx.tenant();
            // failures of every kind: upstream refusing the key, connect error, unknown key, bad body, streams
            for (boolean stream : new boolean[] {false, true}) {
                given().header("Authorization", "Bearer " + tenantKey).contentType("application/json")
                        .body("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[]}")
                        .when().post("/v1/chat/completions");
            }
            given().header("Authorization", "Bearer " + Fixture.newSecret() + "x").contentType("application/json")
                    .body("{\"model\":\"" + model + "\"}").when().post("/v1/chat/completions");
            given().header("x-api-key", tenantKey).contentType("application/json").body("{oops")
                    .when().post("/v1/messages");
        } finally {
            root.removeHandler(capture);
            relay.setLevel(before);
        }
        assertThat(lines).isNotEmpty();
        String sha = TenantAuthenticator.sha256Hex(tenantKey);
        for (String line : lines) {
            assertThat(line).doesNotContain(tenantKey).doesNotContain(sha).doesNotContain("Bearer ")
                    .doesNotContain("sk-sb-").doesNotContainPattern("\\bup-a\\b").doesNotContainPattern("\\bup-b\\b");
        }
    }
}
