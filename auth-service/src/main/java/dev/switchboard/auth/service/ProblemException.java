package dev.switchboard.auth.service;

import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.FieldError;
import java.util.List;
import java.util.Map;

/**
 * A management request the service refuses: the admin kit's {@link ApiProblem} (whose {@code invalid}
 * factories the auth services use too) with auth's 404 and 409 factories. The title follows from the status; the detail is written for operators and never
 * contains a secret, a key hash or SQL.
 */
public class ProblemException extends ApiProblem {

    /** @param title ignored: the kit gives each status one title */
    public ProblemException(int status, String title, String detail, List<FieldError> errors) {
        super(status, detail, errors, Map.of());
    }

    public static ProblemException notFound(String what, long id) {
        return new ProblemException(404, null, what + " " + id + " does not exist", List.of());
    }

    /** A 409; {@code field}, when given, names the field whose value conflicts (member {@code field}). */
    public static ProblemException conflict(String detail, String field, String reason) {
        ProblemException p = new ProblemException(409, null, detail, List.of());
        if (field != null) {
            p.extensions().put("field", field);
        }
        return p;
    }
}
