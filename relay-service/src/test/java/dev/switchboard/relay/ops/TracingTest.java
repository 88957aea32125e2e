package dev.switchboard.relay.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.mock.MockCounts;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RecentSpans;
import dev.switchboard.relay.support.RelayTestBase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TracingTest extends RelayTestBase {

    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    @Inject
    RecentSpans spans;

    private List<SpanData> awaitSpans(String traceId, int count) {
        long deadline = System.currentTimeMillis() + 10_000;
        List<SpanData> found = spans.ofTrace(traceId);
        while (found.size() < count && System.currentTimeMillis() < deadline) {
            Fixture.sleep(50);
            found = spans.ofTrace(traceId);
        }
        return found;
    }

    @Test
    void aRequestIsOneServerSpanWithAChildPerAttemptAndTheUpstreamJoinsTheClientsTrace() {
        String model = Fixture.unique("trace-model");
        String provider = Fixture.unique("trace-prov");
        fx.publish(List.of(Fixture.provider(provider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a"), Fixture.providerKey("k2", "up-b")),
                List.of(Fixture.model(model, "gpt-traced")))), List.of(), List.of(), List.of());
        mock.addFault(new FaultRule("up-a", "gpt-traced", "status=401", 1)); // cools the key
        String key = fx.tenant();

        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions").then().statusCode(200);

        List<SpanData> trace = awaitSpans(CLIENT_TRACE, 3);
        assertThat(trace).hasSize(3);
        SpanData request = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(request.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(request.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(request.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo(model);
        assertThat(request.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo(model);
        assertThat(request.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(request.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(request.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
        assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);

        List<SpanData> attempts = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparing(s -> s.getAttributes().get(AttributeKey.longKey("switchboard.attempt"))))
                .toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(a.getAttributes().get(AttributeKey.stringKey("switchboard.provider"))).isEqualTo(provider);
            assertThat(a.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-traced");
            assertThat(a.getStartEpochNanos()).isGreaterThanOrEqualTo(request.getStartEpochNanos());
            assertThat(a.getEndEpochNanos()).isLessThanOrEqualTo(request.getEndEpochNanos());
        });
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.stringKey("switchboard.outcome"))).isNotEqualTo("ok");
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.stringKey("switchboard.candidate"))).contains("k1");
        assertThat(attempts.get(1).getAttributes().get(AttributeKey.stringKey("switchboard.outcome"))).isEqualTo("ok");
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.stringKey("switchboard.cooldown.scope")))
                .as("the cooldown the failure set").startsWith("key:");
        assertThat(attempts.get(0).getAttributes().get(AttributeKey.longKey("switchboard.cooldown.seconds"))).isPositive();
        assertThat(attempts.get(1).getAttributes().get(AttributeKey.stringKey("switchboard.cooldown.scope"))).isNull();

        MockCounts.Request upstream = mock.counts().lastRequest("gpt-traced").orElseThrow();
        String sent = upstream.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("traceparent"))
                .map(java.util.Map.Entry::getValue).findFirst().orElseThrow();
        assertThat(sent).isEqualTo("00-" + CLIENT_TRACE + "-" + request.getSpanId() + "-01");
    }

    @Test
    void withoutATraceparentARequestStartsItsOwnTrace() {
        String model = Fixture.unique("trace-own");
        fx.publish(List.of(Fixture.provider(Fixture.unique("trace-own-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a")), List.of(Fixture.model(model, "gpt-own")))),
                List.of(), List.of(), List.of());
        given().header("Authorization", "Bearer " + fx.tenant()).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .when().post("/v1/chat/completions").then().statusCode(200);
        String sent = mock.counts().lastRequest("gpt-own").orElseThrow().headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("traceparent")).map(java.util.Map.Entry::getValue)
                .findFirst().orElseThrow();
        String traceId = sent.split("-")[1];
        List<SpanData> trace = awaitSpans(traceId, 2);
        assertThat(trace).hasSize(2);
        SpanData request = trace.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(request.getParentSpanContext().isValid()).isFalse();
        assertThat(request.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
    }
}
