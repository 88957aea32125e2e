package dev.switchboard.auth.rest;

import dev.switchboard.contracts.RequestIds;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Gives every request an id ({@code x-request-id}, taken from the caller when it looks like one),
 * echoes it on every answer (also the 401s decided before JAX-RS runs) and puts it in the logging
 * MDC as {@code requestId}, so every log line of the request carries it.
 */
@ApplicationScoped
public class RequestIdFilter {

    public static final String HEADER = RequestIds.HEADER;
    public static final String MDC_KEY = RequestIds.MDC_KEY;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::assign);
    }

    private void assign(RoutingContext rc) {
        String id = rc.request().getHeader(HEADER);
        if (!RequestIds.isSane(id)) {
            id = RequestIds.newId();
            rc.request().headers().set(HEADER, id);
        }
        String requestId = id;
        MDC.put(MDC_KEY, requestId);
        rc.addHeadersEndHandler(v -> rc.response().headers().set(HEADER, requestId));
        rc.next();
    }

    /** Blocking resources run on a worker thread: the id goes into that thread's MDC too. */
    @ServerRequestFilter
    public void mdc(ContainerRequestContext request) {
        String id = request.getHeaderString(HEADER);
        if (id != null) {
            MDC.put(MDC_KEY, id);
        }
    }
}
