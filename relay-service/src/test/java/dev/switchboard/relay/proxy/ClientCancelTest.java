package dev.switchboard.relay.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that hangs up mid-stream ends the request at once, upstream included. */
@QuarkusTest
class ClientCancelTest extends RelayTestBase {

    @TestHTTPResource("/")
    URL relay;
    @Inject
    MeterRegistry registry;
    @Inject
    RelayMetrics metrics;

    private double activeStreams() {
        var g = registry.find("switchboard.relay.streams.active").gauge();
        return g == null ? -1 : g.value();
    }

    private double cancelledAttempts(String provider) {
        var t = registry.find("switchboard.relay.upstream.duration").tag("provider", provider).timers();
        return t.stream().filter(x -> !"ok".equals(x.getId().getTag("outcome"))).mapToLong(x -> x.count()).sum();
    }

    @Test
    void clientDisconnectMidStreamCancelsTheUpstream() throws Exception {
        String model = Fixture.unique("cancel-model");
        String provider = Fixture.unique("cancel-prov");
        fx.publish(List.of(Fixture.provider(provider, ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("k1", "up-a")), List.of(Fixture.model(model, "gpt-slow")))),
                List.of(), List.of(), List.of());
        // slow stream: one event every 300 ms, long enough to hang up in the middle
        mock.addFault(new FaultRule(null, "gpt-slow", "chunk-delay=300", -1));
        String key = fx.tenant();
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":200,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a long story please\"}]}";
        double baseline = activeStreams();
        try (Socket s = new Socket(relay.getHost(), relay.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            String seen = "";
            long deadline = System.currentTimeMillis() + 5000;
            while (!seen.contains("data: ") && System.currentTimeMillis() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                seen += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            assertThat(seen).startsWith("HTTP/1.1 200").contains("data: ");
            assertThat(activeStreams()).isEqualTo(baseline + 1);
        }
        long deadline = System.currentTimeMillis() + 1000;
        while (activeStreams() > baseline && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(activeStreams()).isEqualTo(baseline);
        assertThat(cancelledAttempts(provider)).isEqualTo(1);
        assertThat(metrics).isNotNull();
    }
}
