package dev.switchboard.relay.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.support.EdgeProfile;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream longer than switchboard.request.max-stream (2 s here) is ended with an explicit error event and the upstream is cancelled. */
@QuarkusTest
@TestProfile(EdgeProfile.class)
class MaxStreamTest extends RelayTestBase {

    private static final String LONG_PROMPT = "one two three four five six seven eight nine ten eleven twelve thirteen "
            + "fourteen fifteen sixteen seventeen eighteen nineteen twenty";

    @Inject
    MeterRegistry registry;

    private long cutAttempts(String provider) {
        return registry.find("switchboard.relay.upstream.duration").tag("provider", provider).tag("outcome", "max_stream")
                .timers().stream().mapToLong(t -> t.count()).sum();
    }

    private double activeStreams() {
        // registered with the first stream: before that, none is active
        var g = registry.find("switchboard.relay.streams.active").gauge();
        return g == null ? 0 : g.value();
    }

    private String[] seed(String protocol, String upstream) {
        String model = Fixture.unique("long");
        String provider = Fixture.unique("slow");
        fx.publish(List.of(Fixture.provider(provider, protocol, mock.baseUrl(),
                List.of(Fixture.providerKey("k", "up-a")), List.of(Fixture.model(model, upstream)))),
                List.of(), List.of(), List.of());
        // ~24 events, 300 ms apart: about 7 s of stream against a 2 s maximum
        mock.addFault(new FaultRule(null, upstream, "chunk-delay=300", -1));
        return new String[] {model, provider};
    }

    @Test
    void openAiStreamEndsWithAnErrorEventAfterTheMaximum() throws Exception {
        String[] mp = seed(ProviderSnapshot.OPENAI, "gpt-slow-max");
        double baseline = activeStreams();
        long t0 = System.nanoTime();
        Response r = given().header("Authorization", "Bearer " + fx.tenant()).contentType("application/json")
                .body("{\"model\":\"" + mp[0] + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + LONG_PROMPT + "\"}]}")
                .when().post("/v1/chat/completions");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String text = r.asString();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text).contains("\"chat.completion.chunk\"")
                .contains("data: {\"error\":{").contains("\"code\":\"stream_max_duration\"")
                .doesNotContain("[DONE]");
        assertThat(ms).as("ended near the 2 s maximum, not at the upstream's end").isBetween(1_900L, 5_000L);
        assertThat(cutAttempts(mp[1])).as("the upstream attempt was cancelled").isEqualTo(1);
        long deadline = System.currentTimeMillis() + 1000;
        while (activeStreams() > baseline && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(activeStreams()).isEqualTo(baseline);
    }

    @Test
    void anthropicStreamEndsWithAnErrorEventAfterTheMaximum() {
        String[] mp = seed(ProviderSnapshot.ANTHROPIC, "claude-slow-max");
        Response r = given().header("x-api-key", fx.tenant()).header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"" + mp[0] + "\",\"max_tokens\":200,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + LONG_PROMPT + "\"}]}")
                .when().post("/v1/messages");
        String text = r.asString();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text).contains("event: message_start").contains("event: error")
                .contains("\"code\":\"stream_max_duration\"").doesNotContain("event: message_stop");
        assertThat(cutAttempts(mp[1])).isEqualTo(1);
    }
}
