package dev.switchboard.auth.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.auth.service.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into problem+json. Details come only from our own messages: exception
 * messages of libraries (which may hold SQL or input) are neither returned nor logged.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.response(e.status(), e.title(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return Problem.response(400, "Bad Request", "the body is not valid JSON", List.of());
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        // A concurrent insert won the unique index; the checks before the insert name the field otherwise.
        return Problem.response(409, "Conflict", "the change conflicts with an existing row", List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException) {
            return badJson(null);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        return Problem.response(status, title, title, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ProblemException p) {
            return problem(p);
        }
        if (root instanceof ConstraintViolationException c) {
            return constraint(c);
        }
        LOG.errorf("unexpected %s (root cause %s)", e.getClass().getName(), root.getClass().getName());
        return Problem.response(500, "Internal Server Error", "unexpected error; see the server log for the request id",
                List.of());
    }
}
