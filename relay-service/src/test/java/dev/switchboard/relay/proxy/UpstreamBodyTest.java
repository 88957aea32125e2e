package dev.switchboard.relay.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.upstream.SseScanner;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The targeted edits of the upstream body and the byte-exact SSE scanner the stream filter relies on. */
class UpstreamBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode upstream(String body, boolean askUsage) throws Exception {
        RequestBody b = RequestBody.parse(body.getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(b.forUpstream("up-model", askUsage).getBytes());
    }

    @Test
    void insertsIncludeUsageWhenStreamOptionsIsAbsent() throws Exception {
        String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hé\"}]}";
        RequestBody b = RequestBody.parse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(b.clientAskedUsage()).isFalse();
        JsonNode n = upstream(body, true);
        assertThat(n.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(n.path("model").asText()).isEqualTo("up-model");
        assertThat(n.path("messages").get(0).path("content").asText()).isEqualTo("hé");
        // without askUsage nothing but the model changes
        assertThat(upstream(body, false).has("stream_options")).isFalse();
    }

    @Test
    void flipsOrAddsIncludeUsageInsideAnExistingObject() throws Exception {
        JsonNode flipped = upstream("{\"stream_options\":{\"include_usage\":false,\"x\":1},\"model\":\"m\",\"stream\":true}", true);
        assertThat(flipped.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(flipped.path("stream_options").path("x").asInt()).isEqualTo(1);
        assertThat(flipped.path("model").asText()).isEqualTo("up-model");

        JsonNode added = upstream("{\"model\":\"m\",\"stream_options\": { \"x\" : [1,{\"y\":2}] },\"stream\":true}", true);
        assertThat(added.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(added.path("stream_options").path("x").get(1).path("y").asInt()).isEqualTo(2);

        JsonNode empty = upstream("{\"model\":\"m\",\"stream_options\":{},\"stream\":true}", true);
        assertThat(empty.path("stream_options").path("include_usage").asBoolean()).isTrue();

        JsonNode nul = upstream("{\"model\":\"m\",\"stream_options\":null,\"stream\":true}", true);
        assertThat(nul.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void aClientThatAskedIsLeftAloneAndAnInvalidValueIsNotTouched() throws Exception {
        String asked = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        assertThat(RequestBody.parse(asked.getBytes(StandardCharsets.UTF_8)).clientAskedUsage()).isTrue();
        assertThat(upstream(asked, true).path("stream_options").size()).isEqualTo(1);

        String odd = "{\"model\":\"m\",\"stream\":true,\"stream_options\":\"yes\"}";
        RequestBody b = RequestBody.parse(odd.getBytes(StandardCharsets.UTF_8));
        assertThat(b.canAskUsage()).isFalse();
        assertThat(upstream(odd, true).path("stream_options").asText()).isEqualTo("yes");
    }

    @Test
    void scannerHandsEachEventItsExactBytesAcrossChunkBoundaries() {
        String stream = ": keep-alive\n\ndata: {\"a\":\"é\"}\r\n\r\nevent: x\ndata: 1\ndata: 2\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split < bytes.length; split++) {
            List<String> data = new ArrayList<>();
            Buffer joined = Buffer.buffer();
            SseScanner scanner = new SseScanner((event, d, raw) -> {
                data.add((event == null ? "" : event + ":") + d);
                joined.appendBuffer(raw);
            }, true);
            scanner.feed(Buffer.buffer().appendBytes(bytes, 0, split));
            scanner.feed(Buffer.buffer().appendBytes(bytes, split, bytes.length - split));
            assertThat(data).as("split at %d", split).containsExactly("{\"a\":\"é\"}", "x:1\n2", "[DONE]");
            assertThat(joined.toString(StandardCharsets.UTF_8)).as("split at %d", split).isEqualTo(stream);
        }
    }
}
