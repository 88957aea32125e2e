package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.*;
import jakarta.annotation.security.RolesAllowed;
import dev.switchboard.catalog.api.Requests.KeyRequest;
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
import dev.switchboard.catalog.service.KeyService;

@Path("/admin/providers/{providerId}/keys")
@Tag(name = "Provider keys", description = "Upstream API keys; the secret is write-only (label and last four characters are shown)")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProviderKeyResource {

    private final KeyService service;

    private final Paging paging;

    public ProviderKeyResource(KeyService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List the keys of a provider (paged, by id)")
    @APIResponse(responseCode = "200", description = "A page of keys, without secrets")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "422", description = "Invalid page or size")
    public Page<KeyView> list(@PathParam("providerId") long providerId, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return service.list(providerId, paging.page(page), paging.size(size));
    }

    @GET
    @Path("/{keyId}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a key (without its secret)")
    @APIResponse(responseCode = "200", description = "The key")
    @APIResponse(responseCode = "404", description = "No such provider or key")
    public KeyView get(@PathParam("providerId") long providerId, @PathParam("keyId") long keyId) {
        return service.get(providerId, keyId);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Add a key", description = "Fields: label, secret (8..4096 characters), rpm, tpm, weight (> 0), enabled")
    @APIResponse(responseCode = "201", description = "Created; the response shows label and last4 only")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "409", description = "Label already used on this provider")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    // validated by the service once the provider is found: under a missing provider any body is a 404
    public Response create(@PathParam("providerId") long providerId, KeyRequest body) {
        KeyView created = service.create(providerId, body);
        return Response.created(URI.create("/admin/providers/" + providerId + "/keys/" + created.id()))
                .entity(created).build();
    }

    @PATCH
    @Path("/{keyId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change named fields of a key (a new secret replaces the old one)")
    @RequestBody(description = "An RFC 7386 merge patch: named fields change, null clears (the create default "
            + "applies), objects merge member by member, arrays replace", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyRequest.class)))
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "No such provider or key")
    @APIResponse(responseCode = "409", description = "Label already used on this provider")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public KeyView patch(@PathParam("providerId") long providerId, @PathParam("keyId") long keyId, JsonNode body) {
        return service.patch(providerId, keyId, body);
    }

    @DELETE
    @Path("/{keyId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a key")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such provider or key")
    public void delete(@PathParam("providerId") long providerId, @PathParam("keyId") long keyId) {
        service.delete(providerId, keyId);
    }
}
