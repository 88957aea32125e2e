package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.*;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.groups.ConvertGroup;
import dev.switchboard.catalog.api.Requests.RouteRequest;
import dev.switchboard.catalog.api.Requests.OnCreate;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import dev.switchboard.catalog.service.RouteService;

@Path("/admin/routes")
@Tag(name = "Model routes", description = "Wildcard model patterns sent to a provider, pool or cluster, with relay hit counts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RouteService service;

    private final Paging paging;

    public RouteResource(RouteService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List model routes (paged, by id)")
    @APIResponse(responseCode = "200", description = "A page")
    @APIResponse(responseCode = "422", description = "Invalid page or size")
    public Page<RouteView> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return service.list(paging.page(page), paging.size(size));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get one")
    @APIResponse(responseCode = "200", description = "Found")
    @APIResponse(responseCode = "404", description = "Not found")
    public RouteView get(@PathParam("id") long id) {
        return service.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create", description = "Fields: pattern (* wildcards, whole name, case-insensitive), targetKind (provider|pool|cluster), target (name), priority (lower wins, default 100), enabled")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "409", description = "Conflicts with the current catalog")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public Response create(@Valid @ConvertGroup(to = OnCreate.class) RouteRequest body) {
        RouteView created = service.create(body);
        return Response.created(URI.create("/admin/routes/" + created.id())).entity(created).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change named fields (others keep their values)")
    @RequestBody(description = "An RFC 7386 merge patch: named fields change, null clears (the create default "
            + "applies), objects merge member by member, arrays replace", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RouteRequest.class)))
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "Not found")
    @APIResponse(responseCode = "409", description = "Conflicts with the current catalog")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public RouteView patch(@PathParam("id") long id, JsonNode body) {
        return service.patch(id, body);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a route")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "Not found")
    public void delete(@PathParam("id") long id) {
        service.delete(id);
    }
}
