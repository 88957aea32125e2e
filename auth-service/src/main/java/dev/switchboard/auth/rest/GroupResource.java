package dev.switchboard.auth.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.request.GroupRequest;
import dev.switchboard.auth.service.Page;
import dev.switchboard.auth.service.GroupService;
import dev.switchboard.auth.service.GroupView;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/groups")
@Tag(name = "Groups", description = "Tenant groups, balances and concurrency limits")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class GroupResource {

    private final GroupService groups;

    public GroupResource(GroupService groups) {
        this.groups = groups;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List groups ordered by id")
    @APIResponse(responseCode = "200", description = "One page of groups with the total")
    @APIResponse(responseCode = "422", description = "Bad paging parameters")
    public Page<GroupView> list(@QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        return groups.list(page, size);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a group")
    @APIResponse(responseCode = "200", description = "The group")
    @APIResponse(responseCode = "404", description = "No such group")
    public GroupView get(@PathParam("id") long id) {
        return groups.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a group")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "409", description = "Name already used")
    @APIResponse(responseCode = "422", description = "Invalid fields, listed in errors")
    public Response create(@NotNull @Valid GroupRequest body) {
        GroupView created = groups.create(body);
        return Response.created(URI.create("/admin/groups/" + created.id())).entity(created).build();
    }

    @PATCH
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the named fields of a group (JSON merge patch); refreshes the snapshots of every key using it, also as a fallback")
    @APIResponse(responseCode = "200", description = "The updated group")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "404", description = "No such group")
    @APIResponse(responseCode = "409", description = "Name already used")
    @APIResponse(responseCode = "422", description = "Invalid fields, listed in errors")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public GroupView patch(@PathParam("id") long id,
            @RequestBody(content = @Content(schema = @Schema(implementation = GroupRequest.class))) JsonNode body) {
        return groups.patch(id, body);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a group without keys that no group falls back to")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such group")
    @APIResponse(responseCode = "409", description = "Keys use the group or another group falls back to it")
    public void delete(@PathParam("id") long id) {
        groups.delete(id);
    }
}
