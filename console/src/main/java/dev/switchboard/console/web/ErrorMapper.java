package dev.switchboard.console.web;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Never a stack trace in a page: an unexpected failure is logged with an id (exception class only, so no
 * request data lands in the log) and answered as a problem carrying that id.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @jakarta.ws.rs.core.Context
    HttpHeaders headers;

    @Override
    public Response toResponse(Throwable t) {
        if (t instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            int status = w.getResponse().getStatus();
            return Problems.response(status, w.getResponse().getStatusInfo().getReasonPhrase(),
                    status == 404 ? "There is no such page." : "The request was not understood.");
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf("console error %s: %s at %s", id, t.getClass().getName(),
                t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?");
        if (headers != null && headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(MediaType.TEXT_HTML_TYPE))) {
            return Response.status(500).type(MediaType.TEXT_HTML_TYPE)
                    .entity("<!doctype html><title>Switchboard console</title><p>Something went wrong in the console "
                            + "(error " + id + "). <a href=\"/\">Back to the dashboard</a></p>").build();
        }
        return Problems.response(500, "Console error", "Something went wrong in the console (error " + id + ").");
    }
}
