package dev.switchboard.admin;

import dev.switchboard.contracts.RequestIds;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Gives every request an id ({@code x-request-id}, the caller's when {@link RequestIds#isSane} accepts
 * it), echoes it on every answer (also the 401s decided before JAX-RS runs, as the first route of the
 * router) and puts it in the logging MDC as {@code requestId}. Problem documents carry it too.
 */
@ApplicationScoped
public class RequestIdFilter {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(RequestIdFilter::assign);
    }

    private static void assign(RoutingContext rc) {
        String id = rc.request().getHeader(RequestIds.HEADER);
        if (!RequestIds.isSane(id)) {
            id = RequestIds.newId();
            rc.request().headers().set(RequestIds.HEADER, id);
        }
        String requestId = id;
        MDC.put(RequestIds.MDC_KEY, requestId);
        rc.addHeadersEndHandler(v -> rc.response().headers().set(RequestIds.HEADER, requestId));
        rc.next();
    }

    /** Blocking resources run on a worker thread: the id goes into that thread's MDC too. */
    @ServerRequestFilter
    public void mdc(ContainerRequestContext request) {
        String id = request.getHeaderString(RequestIds.HEADER);
        if (id != null) {
            MDC.put(RequestIds.MDC_KEY, id);
        }
    }
}
