package dev.switchboard.relay.rest;

import dev.switchboard.relay.auth.TenantAuthException;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.usage.UsageQuery;
import dev.switchboard.relay.usage.UsageReport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** Tenant view of its own usage and limits, authenticated with the tenant API key. */
@Path("/v1/usage")
@Tag(name = "Usage", description = "Spend and remaining limits of the calling API key")
public class UsageResource {

    private static final Logger LOG = Logger.getLogger(UsageResource.class);

    private final TenantAuthenticator authenticator;
    private final UsageQuery query;

    public UsageResource(TenantAuthenticator authenticator, UsageQuery query) {
        this.authenticator = authenticator;
        this.query = query;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Today's, this week's and this month's spend of the key's group and user, requests this minute, "
            + "and what remains of each limit (null = unlimited)")
    @APIResponse(responseCode = "200", description = "Usage report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UsageReport.class)))
    @APIResponse(responseCode = "401", description = "Missing or invalid API key (OpenAI error shape)")
    @APIResponse(responseCode = "403", description = "Key revoked, disabled, expired or not allowed from this address")
    @APIResponse(responseCode = "429", description = "Too many unknown keys from this address (Retry-After)")
    @APIResponse(responseCode = "503", description = "Usage counters or key verification unavailable right now")
    public Uni<Response> usage(@Context HttpServerRequest request) {
        return authenticator.authenticate(request)
                .chain(key -> query.report(key).map(r -> Response.ok(r).build())
                        .onFailure().recoverWithItem(e -> {
                            LOG.warnf("usage report failed: %s", e.getClass().getSimpleName());
                            return error(503, "usage_unavailable", "service_unavailable", "Usage cannot be read right now; retry shortly.");
                        }))
                .onFailure(TenantAuthException.class).recoverWithItem(e -> {
                    TenantAuthException t = (TenantAuthException) e;
                    String type = switch (t.status()) {
                        case 401 -> "invalid_request_error";
                        case 403 -> "permission_error";
                        case 429 -> "rate_limit_error";
                        default -> "service_unavailable";
                    };
                    Response r = error(t.status(), t.code(), type, t.getMessage());
                    return t.retryAfterSeconds() > 0
                            ? Response.fromResponse(r).header("Retry-After", t.retryAfterSeconds()).build() : r;
                });
    }

    private static Response error(int status, String code, String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
