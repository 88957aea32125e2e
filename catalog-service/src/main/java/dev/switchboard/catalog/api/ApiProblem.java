package dev.switchboard.catalog.api;

import java.util.List;

/**
 * A management error answered as RFC 9457 problem+json. Messages are written by this service only
 * and never carry request values that could be secret.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final List<Reference> references;
    private final String conflict;

    private ApiProblem(int status, String title, String detail, List<FieldError> errors,
            List<Reference> references, String conflict) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.references = references == null ? List.of() : List.copyOf(references);
        this.conflict = conflict;
    }

    public static ApiProblem validation(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).reason()
                : errors.size() + " fields are invalid";
        return new ApiProblem(422, "Validation failed", detail, errors, null, null);
    }

    public static ApiProblem invalid(String field, String reason) {
        return validation(List.of(new FieldError(field, reason)));
    }

    public static ApiProblem notFound(String what, Object id) {
        return new ApiProblem(404, "Not found", what + " " + id + " does not exist", null, null, null);
    }

    /** A name already taken in the shared namespace (or by another object of the same kind). */
    public static ApiProblem nameTaken(String name, String takenBy) {
        return new ApiProblem(409, "Name conflict",
                "name '" + name + "' is already used by " + takenBy, null, null, name);
    }

    public static ApiProblem referenced(String what, List<Reference> references) {
        return new ApiProblem(409, "Still referenced",
                what + " is referenced by " + references.size()
                        + " object(s); remove them first or repeat with ?cascade=true",
                null, references, null);
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad request", detail, null, null, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public List<Reference> references() {
        return references;
    }

    /** The conflicting name for a name conflict, else null. */
    public String conflict() {
        return conflict;
    }
}
