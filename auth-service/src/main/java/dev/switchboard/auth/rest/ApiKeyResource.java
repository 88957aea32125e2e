package dev.switchboard.auth.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.request.ApiKeyCreateRequest;
import dev.switchboard.auth.request.ApiKeyUpdateRequest;
import dev.switchboard.auth.service.ApiKeyService;
import dev.switchboard.auth.service.ApiKeyView;
import dev.switchboard.auth.service.CreatedKey;
import dev.switchboard.auth.service.Page;
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

@Path("/admin/keys")
@Tag(name = "API keys", description = "Tenant API keys; the secret is shown once, at create and rotate")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ApiKeyResource {

    private final ApiKeyService keys;

    public ApiKeyResource(ApiKeyService keys) {
        this.keys = keys;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List keys ordered by id, optionally of one user and/or group; never shows secrets")
    @APIResponse(responseCode = "200", description = "One page of keys with the total")
    @APIResponse(responseCode = "422", description = "Bad paging parameters")
    public Page<ApiKeyView> list(@QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size, @QueryParam("userId") Long userId,
            @QueryParam("groupId") Long groupId) {
        return keys.list(page, size, userId, groupId);
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a key (display prefix only)")
    @APIResponse(responseCode = "200", description = "The key")
    @APIResponse(responseCode = "404", description = "No such key")
    public ApiKeyView get(@PathParam("id") long id) {
        return keys.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a key; the answer carries the secret, shown this once")
    @APIResponse(responseCode = "201", description = "Created; body has key (the secret), apiKey, and warning when Redis could not be updated")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "422", description = "Invalid fields (CIDR, unknown user or group, ...), listed in errors")
    public Response create(@NotNull @Valid ApiKeyCreateRequest body) {
        CreatedKey created = keys.create(body);
        return Response.created(URI.create("/admin/keys/" + created.apiKey().id())).entity(created).build();
    }

    @PATCH
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the named fields of a key (JSON merge patch); status changes only through its actions")
    @APIResponse(responseCode = "200", description = "The updated key")
    @APIResponse(responseCode = "400", description = "Body is not JSON")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "422", description = "Invalid fields, listed in errors")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public ApiKeyView patch(@PathParam("id") long id,
            @RequestBody(content = @Content(schema = @Schema(implementation = ApiKeyUpdateRequest.class))) JsonNode body) {
        return keys.patch(id, body);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a key; its cache entry becomes negative at once")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public void delete(@PathParam("id") long id) {
        keys.delete(id);
    }

    @POST
    @Path("{id}/rotate")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Issue a new key with the same settings and revoke this one; the answer carries the new secret")
    @APIResponse(responseCode = "201", description = "The new key; body has key (the secret), apiKey, and warning when Redis could not be updated")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is revoked")
    public Response rotate(@PathParam("id") long id) {
        CreatedKey created = keys.rotate(id);
        return Response.created(URI.create("/admin/keys/" + created.apiKey().id())).entity(created).build();
    }

    @POST
    @Path("{id}/enable")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Enable a disabled key")
    @APIResponse(responseCode = "200", description = "The key, now active")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is revoked")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public ApiKeyView enable(@PathParam("id") long id) {
        return keys.enable(id);
    }

    @POST
    @Path("{id}/disable")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Disable a key (reversible)")
    @APIResponse(responseCode = "200", description = "The key, now disabled")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "409", description = "The key is revoked")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public ApiKeyView disable(@PathParam("id") long id) {
        return keys.disable(id);
    }

    @POST
    @Path("{id}/revoke")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Revoke a key for good")
    @APIResponse(responseCode = "200", description = "The key, now revoked")
    @APIResponse(responseCode = "404", description = "No such key")
    @APIResponse(responseCode = "503", description = "Saved, but Redis could not be updated; run /admin/snapshots/rebuild")
    public ApiKeyView revoke(@PathParam("id") long id) {
        return keys.revoke(id);
    }
}
