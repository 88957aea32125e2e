package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.FieldError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a JSON request body field by field, collecting every problem before failing once. Only the
 * fields present in the body are read, so the same code serves POST (all required fields present)
 * and PATCH (unnamed fields keep their stored values). Error reasons never echo the value sent.
 */
final class Fields {

    private final JsonNode body;
    private final String prefix;
    private final List<FieldError> errors;

    private Fields(JsonNode body, String prefix, List<FieldError> errors) {
        this.body = body;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** @throws ApiProblem 400 if the body is not a JSON object; 422 listing unknown fields */
    static Fields of(JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object");
        }
        Fields fields = new Fields(body, "", new ArrayList<>());
        fields.rejectUnknown(allowed);
        return fields;
    }

    /** Fields of a nested object (e.g. {@code members[2]}), sharing this error list. */
    Fields nested(JsonNode node, String path, Set<String> allowed) {
        Fields nested = new Fields(node, path + ".", errors);
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return new Fields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                    path + ".", errors);
        }
        nested.rejectUnknown(allowed);
        return nested;
    }

    private void rejectUnknown(Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                errors.add(new FieldError(prefix + name, "unknown field"));
            }
        }
    }

    boolean has(String field) {
        return body.has(field);
    }

    String path(String field) {
        return prefix + field;
    }

    void error(String field, String reason) {
        errors.add(new FieldError(prefix + field, reason));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }

    void require(String field) {
        if (!body.has(field) || body.get(field).isNull()) {
            error(field, "is required");
        }
    }

    JsonNode node(String field) {
        return body.get(field);
    }

    /** A non-blank string, or null (with an error recorded) when absent, null or of another type. */
    String text(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            error(field, "is required");
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            error(field, "must be a non-empty string");
            return null;
        }
        return n.asText().trim();
    }

    /** A string that may be null (explicit null clears it). */
    String optionalText(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            error(field, "must be a string");
            return null;
        }
        return n.asText();
    }

    Boolean bool(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isBoolean()) {
            error(field, "must be true or false");
            return null;
        }
        return n.asBoolean();
    }

    /** An integer, null when explicitly null; records an error for other types. */
    Integer integer(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            error(field, "must be an integer");
            return null;
        }
        return n.asInt();
    }

    Long longValue(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            error(field, "must be an integer");
            return null;
        }
        return n.asLong();
    }

    /** An integer &gt; 0; null with an error otherwise. */
    Integer positive(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            error(field, "is required");
            return null;
        }
        Integer value = integer(field);
        if (value != null && value <= 0) {
            error(field, "must be greater than 0");
            return null;
        }
        return value;
    }

    /** A positive integer, or null when explicitly null (= unknown/unlimited). */
    Integer optionalPositive(String field) {
        Integer value = integer(field);
        if (value != null && value <= 0) {
            error(field, "must be greater than 0");
            return null;
        }
        return value;
    }

    /** Largest price per million tokens a {@code NUMERIC(18, 6)} column holds is just below this. */
    static final BigDecimal PRICE_LIMIT = BigDecimal.TEN.pow(12);
    static final int PRICE_SCALE = 6;

    /**
     * A price in USD per million tokens, or null when explicitly null: 0 &le; value &lt; 10<sup>12</sup> with at
     * most 6 decimals (the column's {@code NUMERIC(18, 6)}), so PostgreSQL never refuses what passed here.
     */
    BigDecimal optionalPrice(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            error(field, "must be a number");
            return null;
        }
        BigDecimal value = n.decimalValue();
        if (value.signum() < 0) {
            error(field, "must not be negative");
            return null;
        }
        if (value.compareTo(PRICE_LIMIT) >= 0) {
            error(field, "must be less than 1000000000000");
            return null;
        }
        if (value.stripTrailingZeros().scale() > PRICE_SCALE) {
            error(field, "must have at most " + PRICE_SCALE + " decimals");
            return null;
        }
        return value;
    }

    /** One of the allowed values (exact, lowercase). */
    String oneOf(String field, Set<String> allowed) {
        String value = text(field);
        if (value != null && !allowed.contains(value)) {
            error(field, "must be one of " + String.join("|", allowed.stream().sorted().toList()));
            return null;
        }
        return value;
    }

    /** The array at {@code field}; null with an error when it is not an array. */
    JsonNode array(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isArray()) {
            error(field, "must be an array");
            return null;
        }
        return n;
    }

    JsonNode object(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isObject()) {
            error(field, "must be an object");
            return null;
        }
        return n;
    }
}
