package dev.switchboard.catalog.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.catalog.api.ApiProblem;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every management error as RFC 9457 problem+json. Details are this service's own words: never a
 * stack trace, SQL text, or a value from the request (which may be a secret).
 */
public class ProblemMappers {

    static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem p) {
        Map<String, Object> body = base(p.status(), p.title(), p.getMessage());
        if (!p.errors().isEmpty()) {
            body.put("errors", p.errors());
        }
        if (!p.references().isEmpty()) {
            body.put("references", p.references());
        }
        if (p.conflict() != null) {
            body.put("conflict", p.conflict());
        }
        return Response.status(p.status()).type(PROBLEM_JSON).entity(body).build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return Response.status(400).type(PROBLEM_JSON)
                .entity(base(400, "Bad request", "request body is not valid JSON")).build();
    }

    /** A constraint the checks above did not catch (e.g. a concurrent edit from another replica). */
    @ServerExceptionMapper
    public Response persistence(PersistenceException e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof ConstraintViolationException)) {
            cause = cause.getCause();
        }
        if (cause != null) {
            return Response.status(409).type(PROBLEM_JSON)
                    .entity(base(409, "Conflict", "the change conflicts with the current catalog; reload and retry"))
                    .build();
        }
        LOG.errorf("database error: %s", e.getClass().getSimpleName());
        return Response.status(500).type(PROBLEM_JSON)
                .entity(base(500, "Internal error", "the request could not be completed")).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        String detail = status == 404 ? "no such resource" : status == 405 ? "method not allowed" : title;
        return Response.status(status).type(PROBLEM_JSON).entity(base(status, title, detail)).build();
    }

    /** Anything unforeseen (e.g. Redis down): a 500/503 that names nothing internal. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        boolean unavailable = e.getClass().getName().startsWith("io.vertx") || e.getClass().getName().contains("redis")
                || e instanceof java.util.concurrent.CompletionException;
        LOG.errorf("request failed: %s", e.getClass().getName());
        int status = unavailable ? 503 : 500;
        return Response.status(status).type(PROBLEM_JSON)
                .entity(base(status, unavailable ? "Service unavailable" : "Internal error",
                        "the request could not be completed"))
                .build();
    }

    static Map<String, Object> base(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
