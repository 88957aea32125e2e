package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Golden JSON documents under {@code src/test/resources/translate/}, and a way to compare trees by their text. */
final class Golden {

    static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    /** A golden file by path, or (starting with '{') an inline document written with single quotes. */
    static ObjectNode json(String resource) {
        if (resource.startsWith("{")) {
            return json(new String[] {resource});
        }
        try (InputStream in = Golden.class.getResourceAsStream("/translate/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + resource);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(String... lines) {
        try {
            return (ObjectNode) JSON.readTree(String.join("", lines).replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree as a client would read it: written and parsed again (an int and a long of one value compare equal). */
    static JsonNode reread(JsonNode node) {
        try {
            return JSON.readTree(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
