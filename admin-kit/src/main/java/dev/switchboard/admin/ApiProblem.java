package dev.switchboard.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A management request the service refuses, answered as RFC 9457 problem+json by {@link ProblemMappers}.
 * The title follows from the status ({@link Problem#title(int)}); the detail is written by the service
 * for operators and never holds a secret, a key hash, SQL or a value from the request.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    public ApiProblem(int status, String detail) {
        this(status, detail, List.of(), Map.of());
    }

    public ApiProblem(int status, String detail, List<FieldError> errors, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
    }

    /** 422 listing every invalid field. */
    public static ApiProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ApiProblem(422, detail, errors, Map.of());
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(404, what + " " + id + " does not exist");
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, detail);
    }

    /** 409 with members beyond the standard ones (e.g. the references that block a delete). */
    public static ApiProblem conflict(String detail, Map<String, Object> extensions) {
        return new ApiProblem(409, detail, List.of(), extensions);
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, detail);
    }

    /** 503: a dependency (Redis, PostgreSQL) did not answer; the detail says what the caller can do. */
    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, detail);
    }

    public int status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Extra members of the problem document, in insertion order. */
    public Map<String, Object> extensions() {
        return extensions;
    }
}
