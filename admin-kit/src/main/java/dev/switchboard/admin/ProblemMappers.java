package dev.switchboard.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.switchboard.contracts.RequestIds;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a management endpoint into a {@link Problem}. Details are the services' own
 * words: the message of a library exception (which may hold SQL or input) is neither returned nor
 * logged. What a failure is decides its status:
 * <ul>
 * <li>{@link ApiProblem}: its status and detail;</li>
 * <li>unreadable JSON 400; an unknown or mistyped field 422 naming it; Bean Validation 422 per field;</li>
 * <li>a unique or foreign-key violation (SQLState class 23) that the checks before the write missed: 409;</li>
 * <li>a dependency that did not answer (connection refused or closed, time-out, SQLState class 08): 503;</li>
 * <li>anything else: 500 whose only detail is the request id, logged with the exception's class.</li>
 * </ul>
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ApiProblem e, HttpServerRequest request) {
        return Problem.of(e.status(), e.getMessage(), requestId(request), e.errors(), e.extensions()).toResponse();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return problem(fromJson(e), request);
    }

    /**
     * A typed body whose field has the wrong type ({@code "concurrency": 1.5}) fails while it is read, and Quarkus'
     * own mapper for exactly this type (400, naming Java classes) would win over {@link #json}: 422 naming the field.
     */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return json(e, request);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, HttpServerRequest request) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
        return problem(ApiProblem.invalid(errors), request);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, HttpServerRequest request) {
        return Response.fromResponse(problem(new ApiProblem(401, "a valid bearer token is required"), request))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return problem(new ApiProblem(403, "the token lacks the role this operation needs"), request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return json(j, request);
        }
        int status = e.getResponse().getStatus();
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 415 -> "the body must be application/json";
            default -> Problem.title(status);
        };
        return problem(new ApiProblem(status, detail), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        String requestId = requestId(request);
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiProblem p) {
                return problem(p, request);
            }
            if (t instanceof ConstraintViolationException v) {
                return validation(v, request);
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                // A concurrent write won a unique index or removed a referenced row.
                return problem(ApiProblem.conflict("the change conflicts with the current data; reload and retry"),
                        request);
            }
            if (isUnavailable(t)) {
                LOG.warnf("dependency unavailable: %s (request %s)", t.getClass().getName(), requestId);
                return problem(ApiProblem.unavailable("a dependency did not answer; retry shortly"), request);
            }
        }
        LOG.errorf("unexpected %s (request %s)", e.getClass().getName(), requestId);
        return problem(new ApiProblem(500, "unexpected error; request id " + requestId), request);
    }

    /** A dependency that did not answer, as opposed to one that answered with an error. */
    static boolean isUnavailable(Throwable t) {
        return t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof TimeoutException
                || t instanceof SQLTransientConnectionException
                || t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08");
    }

    static ApiProblem fromJson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return ApiProblem.invalid(path(u, u.getPropertyName()), "unknown field");
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String type = m.getTargetType() == null ? "value" : typeName(m.getTargetType());
            return ApiProblem.invalid(path(m, null), "must be " + type);
        }
        return ApiProblem.badRequest("the body is not valid JSON");
    }

    private static String path(JsonMappingException e, String last) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        if (last != null && !(b.toString().endsWith(last))) {
            b.append(b.isEmpty() ? "" : ".").append(last);
        }
        return b.isEmpty() ? "body" : b.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    /** The property path of a violation without the method and parameter of a resource call. */
    private static String field(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        // "create.body.name" (a resource parameter) → "name"; "patch.arg1" → "body"
        String[] parts = path.split("\\.", 3);
        if (v.getExecutableParameters() != null && parts.length >= 2) {
            return parts.length == 3 ? parts[2] : parts[1];
        }
        return path.isEmpty() ? "body" : path;
    }

    private static String requestId(HttpServerRequest request) {
        String id = request == null ? null : request.getHeader(RequestIds.HEADER);
        return RequestIds.isSane(id) ? id : null;
    }
}
