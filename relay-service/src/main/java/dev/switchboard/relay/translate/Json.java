package dev.switchboard.relay.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The package's one ObjectMapper and small node helpers. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    static ArrayNode array() {
        return F.arrayNode();
    }

    /** Parses a document; null when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree always serialises
        }
    }

    /** Text of a string node, or null when the node is missing, null or not a string. */
    static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** Whether a field is present with a non-null value. */
    static boolean present(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    /** A number field; null when absent or null. @throws TranslationException 400 when not a number */
    static Double number(JsonNode body, String field) {
        if (!present(body, field)) {
            return null;
        }
        if (!body.get(field).isNumber()) {
            throw TranslationException.invalid(field, "'" + field + "' must be a number");
        }
        return body.get(field).asDouble();
    }

    /** A positive integer field; null when absent or null. @throws TranslationException 400 otherwise */
    static Integer positiveInt(JsonNode body, String field) {
        if (!present(body, field)) {
            return null;
        }
        JsonNode v = body.get(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw TranslationException.invalid(field, "'" + field + "' must be a positive integer");
        }
        return v.asInt();
    }
}
