package dev.switchboard.relay.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/** Serialises the dialects' error documents; they are built as trees so member order is the protocol's. */
final class Errors {

    private Errors() {
    }

    static void addDetail(ObjectNode error, ExhaustionDetail detail) {
        if (detail != null) {
            error.set("attempts", Dialect.JSON.valueToTree(detail.attempts()));
            error.set("skipped", Dialect.JSON.valueToTree(detail.skipped()));
        }
    }

    static byte[] bytes(ObjectNode doc) {
        try {
            return Dialect.JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("error document not serialisable", e);
        }
    }

    static Buffer sse(String event, ObjectNode doc) {
        Buffer b = Buffer.buffer(160);
        if (event != null) {
            b.appendString("event: ").appendString(event).appendString("\n");
        }
        return b.appendString("data: ").appendBytes(bytes(doc)).appendString("\n\n");
    }
}
