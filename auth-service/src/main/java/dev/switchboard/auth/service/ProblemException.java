package dev.switchboard.auth.service;

import java.util.List;

/**
 * A management request the service refuses; rendered as RFC 9457 problem+json. The detail is
 * written for operators and never contains a secret, a key hash or SQL.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public ProblemException(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ProblemException notFound(String what, long id) {
        return new ProblemException(404, "Not Found", what + " " + id + " does not exist", List.of());
    }

    public static ProblemException conflict(String detail, String field, String reason) {
        return new ProblemException(409, "Conflict", detail, field == null ? List.of() : List.of(new FieldError(field, reason)));
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(422, "Unprocessable Content", "the request has invalid fields", errors);
    }

    public static ProblemException invalid(String field, String reason) {
        return invalid(List.of(new FieldError(field, reason)));
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
}
