package dev.switchboard.auth.rest;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.switchboard.admin.ProblemMappers;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A typed request body whose field has the wrong type ({@code "concurrency": 1.5}) fails while Quarkus reads it,
 * and Quarkus's own mapper for that exception would answer 400 with its own shape, which names Java classes. The
 * admin kit's mapper answers it like any other mistyped field: 422 naming the field, problem+json.
 */
public class RequestBodyMappers {

    private final ProblemMappers problems = new ProblemMappers();

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return problems.json(e, request);
    }
}
