package dev.switchboard.auth.rest;

import dev.switchboard.admin.Roles;
import dev.switchboard.auth.service.UsageService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/usage")
@Tag(name = "Usage", description = "The usage ledger, aggregated")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class UsageResource {

    private final UsageService usage;

    public UsageResource(UsageService usage) {
        this.usage = usage;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Requests, tokens and cost grouped by key, user, group, model or day, with totals")
    @APIResponse(responseCode = "200", description = "Rows ordered by their key, and totals")
    @APIResponse(responseCode = "422", description = "Bad groupBy, from or to")
    public UsageService.Report report(
            @QueryParam("groupBy") @Parameter(description = "key | user | group | model | day (default day)") String groupBy,
            @QueryParam("from") @Parameter(description = "inclusive; date or instant; default 30 days before to") String from,
            @QueryParam("to") @Parameter(description = "exclusive; date or instant; default now") String to) {
        return usage.report(groupBy, from, to);
    }
}
