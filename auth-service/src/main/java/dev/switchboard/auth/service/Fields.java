package dev.switchboard.auth.service;

import dev.switchboard.admin.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the fields of a JSON create or merge-patch body. A setter runs only for a field the body
 * names, so a PATCH leaves every other field as it was; problems are collected, not thrown, so one
 * answer lists them all.
 */
public final class Fields {

    private final ObjectNode body;
    private final List<FieldError> errors = new ArrayList<>();

    public Fields(JsonNode body, Set<String> known) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("body", "must be a JSON object");
        }
        this.body = (ObjectNode) body;
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(name, "is not a known field"));
            }
        }
    }

    public boolean has(String field) {
        return body.has(field);
    }

    public void error(String field, String reason) {
        errors.add(new FieldError(field, reason));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws a 422 listing every problem found so far. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    public void requireAll(String... fields) {
        for (String f : fields) {
            if (!body.has(f)) {
                errors.add(new FieldError(f, "is required"));
            }
        }
    }

    public void string(String field, int maxLength, Consumer<String> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            error(field, "must be a non-empty string");
        } else if (n.asText().length() > maxLength) {
            error(field, "must be at most " + maxLength + " characters");
        } else {
            setter.accept(n.asText().strip());
        }
    }

    public void oneOf(String field, Set<String> allowed, Consumer<String> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (!n.isTextual() || !allowed.contains(n.asText())) {
            error(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        } else {
            setter.accept(n.asText());
        }
    }

    public void bool(String field, Consumer<Boolean> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (!n.isBoolean()) {
            error(field, "must be true or false");
        } else {
            setter.accept(n.booleanValue());
        }
    }

    /** Money: NUMERIC(20, 8), at most 12 integer digits and 8 decimals. */
    public void money(String field, boolean nullable, Consumer<BigDecimal> setter) {
        decimal(field, nullable, false, 12, 8, setter);
    }

    /**
     * A decimal that may be null, bounded like its column NUMERIC(intDigits + scale, scale): below
     * 10<sup>intDigits</sup> and at most {@code scale} decimals, so PostgreSQL never refuses (or silently
     * rounds) it. {@code positive} true means it must be &gt; 0, else &ge; 0.
     */
    public void decimal(String field, boolean nullable, boolean positive, int intDigits, int scale, Consumer<BigDecimal> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            if (nullable) {
                setter.accept(null);
            } else {
                error(field, "must not be null");
            }
            return;
        }
        if (!n.isNumber()) {
            error(field, "must be a number");
            return;
        }
        BigDecimal value = n.decimalValue();
        BigDecimal limit = BigDecimal.TEN.pow(intDigits);
        if (positive && value.signum() <= 0) {
            error(field, "must be greater than 0");
        } else if (value.signum() < 0) {
            error(field, "must not be negative");
        } else if (value.compareTo(limit) >= 0) {
            error(field, "must be less than " + limit.toPlainString());
        } else if (value.stripTrailingZeros().scale() > scale) {
            error(field, "must have at most " + scale + " decimal places");
        } else {
            setter.accept(value);
        }
    }

    /** A non-negative integer that may be null (= unlimited). */
    public void count(String field, Consumer<Integer> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            setter.accept(null);
        } else if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            error(field, "must be an integer");
        } else if (n.intValue() < 0) {
            error(field, "must not be negative");
        } else {
            setter.accept(n.intValue());
        }
    }

    /** A reference id; null only when {@code nullable}. */
    public void id(String field, boolean nullable, Consumer<Long> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull() && nullable) {
            setter.accept(null);
        } else if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
            error(field, "must be a positive integer id");
        } else {
            setter.accept(n.longValue());
        }
    }

    public void instant(String field, Consumer<Instant> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            setter.accept(null);
            return;
        }
        try {
            setter.accept(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            error(field, "must be an ISO-8601 instant such as 2030-01-31T00:00:00Z");
        }
    }

    /** A list of strings, each checked by {@code check} (which returns the normalised value or throws IllegalArgumentException). */
    public void stringList(String field, int maxItems, java.util.function.UnaryOperator<String> check, Consumer<List<String>> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            setter.accept(List.of());
            return;
        }
        if (!n.isArray()) {
            error(field, "must be an array of strings");
            return;
        }
        if (n.size() > maxItems) {
            error(field, "must have at most " + maxItems + " entries");
            return;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isTextual()) {
                error(field + "[" + i + "]", "must be a string");
                ok = false;
                continue;
            }
            try {
                String value = check.apply(item.asText());
                if (!out.contains(value)) {
                    out.add(value);
                }
            } catch (IllegalArgumentException e) {
                error(field + "[" + i + "]", e.getMessage());
                ok = false;
            }
        }
        if (ok) {
            setter.accept(out);
        }
    }

    /** An object of pattern → non-empty array of target strings, order kept as written. */
    public void routingMap(String field, int maxEntries, java.util.function.UnaryOperator<String> checkPattern,
            java.util.function.UnaryOperator<String> checkTarget, Consumer<Map<String, List<String>>> setter) {
        if (!body.has(field)) {
            return;
        }
        JsonNode n = body.get(field);
        if (n.isNull()) {
            setter.accept(Map.of());
            return;
        }
        if (!n.isObject()) {
            error(field, "must be an object of pattern to an array of targets");
            return;
        }
        if (n.size() > maxEntries) {
            error(field, "must have at most " + maxEntries + " patterns");
            return;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean ok = true;
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = field + "." + e.getKey();
            try {
                checkPattern.apply(e.getKey());
            } catch (IllegalArgumentException ex) {
                error(path, ex.getMessage());
                ok = false;
                continue;
            }
            JsonNode targets = e.getValue();
            if (!targets.isArray() || targets.isEmpty()) {
                error(path, "must be a non-empty array of targets");
                ok = false;
                continue;
            }
            List<String> list = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                JsonNode t = targets.get(i);
                try {
                    if (!t.isTextual()) {
                        throw new IllegalArgumentException("must be a string");
                    }
                    list.add(checkTarget.apply(t.asText()));
                } catch (IllegalArgumentException ex) {
                    error(path + "[" + i + "]", ex.getMessage());
                    ok = false;
                }
            }
            out.put(e.getKey(), list);
        }
        if (ok) {
            setter.accept(out);
        }
    }
}
