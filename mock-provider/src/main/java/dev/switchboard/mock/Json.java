package dev.switchboard.mock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Streaming JSON output straight into Vert.x buffers (no tree, no intermediate String). */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final byte[] NONE = new byte[0];
    static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    static Buffer buffer(Body body) {
        return frame(NONE, body, NONE);
    }

    /** {@code data: <json>\n\n}. */
    static Buffer sseData(Body body) {
        return frame(DATA, body, EVENT_END);
    }

    /** {@code event: <name>\ndata: <json>\n\n}. */
    static Buffer sseEvent(String event, Body body) {
        return frame(("event: " + event + "\ndata: ").getBytes(StandardCharsets.US_ASCII), body, EVENT_END);
    }

    private static Buffer frame(byte[] prefix, Body body, byte[] suffix) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try {
            out.write(prefix);
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                body.write(g);
            }
            out.write(suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    static JsonNode parse(Buffer body) throws IOException {
        return MAPPER.readTree(body.getBytes());
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static void usageOpenAi(JsonGenerator g, long prompt, long completion) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", prompt);
        g.writeNumberField("completion_tokens", completion);
        g.writeNumberField("total_tokens", prompt + completion);
        g.writeEndObject();
    }
}
