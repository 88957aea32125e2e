package dev.switchboard.relay.rest;

import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Problem;
import dev.switchboard.admin.Roles;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.routing.CooldownState;
import dev.switchboard.relay.store.CooldownStore;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' view of the cluster-wide cooldowns. Reads Redis (not the near-cache), so every replica gives
 * the same answer.
 */
@Path("/admin/cooldowns")
@Tag(name = "Cooldowns", description = "Cluster-wide cooldowns of upstream keys, models and providers")
public class CooldownAdminResource {

    static final String PROBLEM_JSON = Problem.MEDIA_TYPE;

    private final CooldownStore store;
    private final CooldownService cooldowns;

    public CooldownAdminResource(CooldownStore store, CooldownService cooldowns) {
        this.store = store;
        this.cooldowns = cooldowns;
    }

    /**
     * One cooldown.
     *
     * @param scope e.g. {@code key_model:12:gpt-4o}
     * @param scopeKind key | key_model | provider_model | provider
     * @param state cooling (skipped by every replica) | half_open (expired; the next request probes it)
     * @param until deadline, ISO-8601
     * @param secondsLeft 0 once half-open
     * @param strikes consecutive failures without a success in between
     * @param replica the relay instance that set or last extended it
     */
    public record CooldownInfo(String scope, String scopeKind, String state, String reason, String until,
            long untilEpochMs, long secondsLeft, int strikes, String replica, boolean rateLimited) {

        static CooldownInfo of(CooldownState s, long now) {
            int colon = s.scope().indexOf(':');
            return new CooldownInfo(s.scope(), colon < 0 ? s.scope() : s.scope().substring(0, colon),
                    s.activeAt(now) ? "cooling" : "half_open", s.reason(),
                    Instant.ofEpochMilli(s.untilEpochMs()).toString(), s.untilEpochMs(), s.secondsLeft(now),
                    s.strikes(), s.replica(), s.rateLimited());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.VIEWER, Roles.ADMIN})
    @Operation(summary = "List every cooldown in the cluster, cooling and half-open, earliest deadline first")
    @APIResponse(responseCode = "200", description = "Cooldowns",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = CooldownInfo.class)))
    @APIResponse(responseCode = "503", description = "Redis unavailable",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<Response> list() {
        return store.list()
                .map(all -> {
                    long now = System.currentTimeMillis();
                    List<CooldownInfo> out = all.stream().map(s -> CooldownInfo.of(s, now)).toList();
                    return Response.ok(out, MediaType.APPLICATION_JSON).build();
                })
                .onFailure().transform(t -> ApiProblem.unavailable(
                        "Redis did not answer; the relays keep honouring the cooldowns they know."));
    }

    @DELETE
    @Path("{scope: .+}")
    @Produces({MediaType.APPLICATION_JSON, PROBLEM_JSON})
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Clear one cooldown on every replica; the scope is available at once")
    @APIResponse(responseCode = "204", description = "Cleared")
    @APIResponse(responseCode = "404", description = "No cooldown for this scope",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "Redis unavailable",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<Response> clear(
            @Parameter(description = "Scope, e.g. key_model:12:gpt-4o, key:12, provider_model:3:gpt-4o, provider:3")
            @PathParam("scope") String scope) {
        return cooldowns.clear(scope)
                .onFailure().transform(t -> ApiProblem.unavailable(
                        "Redis did not answer; other replicas may still honour this cooldown."))
                .map(found -> {
                    if (!found) {
                        throw ApiProblem.notFound("cooldown", scope);
                    }
                    return Response.noContent().build();
                });
    }
}
