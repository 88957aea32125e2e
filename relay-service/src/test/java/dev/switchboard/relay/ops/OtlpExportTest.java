package dev.switchboard.relay.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** With an OTLP endpoint configured the spans reach it over OTLP/HTTP. */
@QuarkusTest
@TestProfile(OtlpExportTest.WithCollector.class)
class OtlpExportTest extends RelayTestBase {

    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    static HttpServer collector;

    public static class WithCollector implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            collector.createContext("/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                RECEIVED.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                        + new String(body, StandardCharsets.ISO_8859_1));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            collector.start();
            return Map.of("switchboard.tracing.otlp-endpoint", "http://127.0.0.1:" + collector.getAddress().getPort());
        }
    }

    @AfterAll
    static void stopCollector() {
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void spansAreSentToTheConfiguredCollector() {
        String model = Fixture.unique("otlp-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("otlp-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a")), List.of(Fixture.model(model, "gpt-otlp")))),
                List.of(), List.of(), List.of());
        given().header("Authorization", "Bearer " + fx.tenant()).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions").then().statusCode(200);
        long deadline = System.currentTimeMillis() + 10_000;
        while (RECEIVED.stream().noneMatch(r -> r.contains(model)) && System.currentTimeMillis() < deadline) {
            Fixture.sleep(50);
        }
        assertThat(RECEIVED).anySatisfy(r -> assertThat(r).startsWith("POST /v1/traces ").contains(model)
                .contains("gen_ai.request.model").contains("upstream "));
    }
}
