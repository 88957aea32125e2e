package dev.switchboard.auth.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.request.UserRequest;
import dev.switchboard.auth.service.Page;
import dev.switchboard.auth.service.UserService;
import dev.switchboard.auth.service.UserView;
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

@Path("/admin/users")
@Tag(name = "Users", description = "Tenant users, balances and concurrency limits")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class UserResource {

    private final UserService users;

    public UserResource(UserService users) {
        this.users = users;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List users ordered by id")
    @APIResponse(responseCode = "200", description = "One page of users with the total")
    @APIResponse(responseCode = "422", description = "Bad paging parameters")
    public Page<UserView> list(@QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        return users.list(page, size);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a user")
    @APIResponse(responseCode = "200", description = "The user")
    @APIResponse(responseCode = "404", description = "No such user")
    public UserView get(@PathParam("id") long id) {
        return users.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a user")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "409", description = "Email already used")
    @APIResponse(responseCode = "422", description = "Invalid fields, listed in errors")
    public Response create(@NotNull @Valid UserRequest body) {
        UserView created = users.create(body);
        return Response.created(URI.create("/admin/users/" + created.id())).entity(created).build();
    }

    @PATCH
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the named fields of a user (JSON merge patch); refreshes the user's key snapshots")
    @APIResponse(responseCode = "200", description = "The updated user")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "404", description = "No such user")
    @APIResponse(responseCode = "409", description = "Email already used")
    @APIResponse(responseCode = "422", description = "Invalid fields, listed in errors")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public UserView patch(@PathParam("id") long id,
            @RequestBody(content = @Content(schema = @Schema(implementation = UserRequest.class))) JsonNode body) {
        return users.patch(id, body);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a user without keys")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such user")
    @APIResponse(responseCode = "409", description = "The user still owns keys")
    public void delete(@PathParam("id") long id) {
        users.delete(id);
    }
}
