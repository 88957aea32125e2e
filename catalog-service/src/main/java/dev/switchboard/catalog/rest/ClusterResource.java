package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.*;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.groups.ConvertGroup;
import dev.switchboard.catalog.api.Requests.ClusterRequest;
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
import dev.switchboard.catalog.service.ClusterService;

@Path("/admin/clusters")
@Tag(name = "Clusters", description = "Level 2: a semantic name over ordered pools and model names")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ClusterResource {

    private final ClusterService service;

    private final Paging paging;

    public ClusterResource(ClusterService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List clusters (paged, by id)")
    @APIResponse(responseCode = "200", description = "A page")
    @APIResponse(responseCode = "422", description = "Invalid page or size")
    public Page<ClusterView> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return service.list(paging.page(page), paging.size(size));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get one")
    @APIResponse(responseCode = "200", description = "Found")
    @APIResponse(responseCode = "404", description = "Not found")
    public ClusterView get(@PathParam("id") long id) {
        return service.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create", description = "Fields: name, enabled, members [{kind pool|model, name}] or [name] (at least one; never a cluster)")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "409", description = "Name used by a model or pool")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public Response create(@Valid @ConvertGroup(to = OnCreate.class) ClusterRequest body) {
        ClusterView created = service.create(body);
        return Response.created(URI.create("/admin/clusters/" + created.id())).entity(created).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change named fields (others keep their values)")
    @RequestBody(description = "An RFC 7386 merge patch: named fields change, null clears (the create default "
            + "applies), objects merge member by member, arrays replace", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClusterRequest.class)))
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "Not found")
    @APIResponse(responseCode = "409", description = "Name used by a model or pool")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public ClusterView patch(@PathParam("id") long id, JsonNode body) {
        return service.patch(id, body);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a cluster", description = "409 lists routes using it; ?cascade=true removes them")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "Not found")
    @APIResponse(responseCode = "409", description = "Still referenced (references listed)")
    public void delete(@PathParam("id") long id, @QueryParam("cascade") boolean cascade) {
        service.delete(id, cascade);
    }
}
