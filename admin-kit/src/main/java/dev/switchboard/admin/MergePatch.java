package dev.switchboard.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * PATCH of a management resource: an RFC 7386 JSON merge patch applied to the request record that
 * describes the resource as it is now, then read back into that record and validated like a create.
 * A member set to {@code null} clears the field (and fails validation where the field is required); an
 * object merges member by member; anything else replaces. A field the record does not have is a 422
 * naming it, as on create.
 */
@ApplicationScoped
public class MergePatch {

    private final ObjectMapper mapper;
    private final Validator validator;

    public MergePatch(ObjectMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    /**
     * @param current the resource now, as the request record (or any value that serialises to its fields)
     * @param patch the request body
     * @return the patched, valid request
     * @throws ApiProblem 400 when the body is not a JSON object, 422 for an unknown or mistyped field
     * @throws ConstraintViolationException when the result breaks a constraint of {@code type}
     */
    public <T> T apply(Object current, JsonNode patch, Class<T> type) {
        if (patch == null || !patch.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object");
        }
        JsonNode base = mapper.valueToTree(current);
        JsonNode merged = merge(base.isObject() ? base.deepCopy() : mapper.createObjectNode(), patch);
        T result;
        try {
            result = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(merged);
        } catch (JsonProcessingException e) {
            throw ProblemMappers.fromJson(e);
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body is not valid JSON");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(result);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return result;
    }

    /** RFC 7386 section 2, in place on {@code target}. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode t = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                t.remove(e.getKey());
            } else {
                t.set(e.getKey(), merge(t.get(e.getKey()), e.getValue()));
            }
        }
        return t;
    }

    /** True when the patch names {@code field} (set or cleared), for changes that need more than a value. */
    public static boolean touches(JsonNode patch, String field) {
        return patch != null && patch.has(field);
    }
}
