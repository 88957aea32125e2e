package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.*;
import jakarta.annotation.security.RolesAllowed;
import dev.switchboard.catalog.api.Requests.ModelRequest;
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
import dev.switchboard.catalog.service.ModelService;

@Path("/admin/providers/{providerId}/models")
@Tag(name = "Models", description = "Models offered by a provider, with prices; names share the tenant namespace with pools and clusters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProviderModelResource {

    private final ModelService service;

    private final Paging paging;

    public ProviderModelResource(ModelService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List the models of a provider (paged, by id)")
    @APIResponse(responseCode = "200", description = "A page of models")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "422", description = "Invalid page or size")
    public Page<ModelView> list(@PathParam("providerId") long providerId, @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        return service.list(providerId, paging.page(page), paging.size(size));
    }

    @GET
    @Path("/{modelId}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a model")
    @APIResponse(responseCode = "200", description = "The model")
    @APIResponse(responseCode = "404", description = "No such provider or model")
    public ModelView get(@PathParam("providerId") long providerId, @PathParam("modelId") long modelId) {
        return service.get(providerId, modelId);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Add a model",
            description = "Fields: name, upstreamName (defaults to name), contextWindow, inputPricePerMTok, outputPricePerMTok, enabled")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "409", description = "Name used by a pool or cluster, or already on this provider")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    // validated by the service once the provider is found: under a missing provider any body is a 404
    public Response create(@PathParam("providerId") long providerId, ModelRequest body) {
        ModelView created = service.create(providerId, body);
        return Response.created(URI.create("/admin/providers/" + providerId + "/models/" + created.id()))
                .entity(created).build();
    }

    @PATCH
    @Path("/{modelId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change named fields of a model",
            description = "Renaming away a name that clusters still use answers 409 unless ?cascade=true")
    @RequestBody(description = "An RFC 7386 merge patch: named fields change, null clears (the create default "
            + "applies), objects merge member by member, arrays replace", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelRequest.class)))
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "No such provider or model")
    @APIResponse(responseCode = "409", description = "Name taken, or the old name is still referenced")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public ModelView patch(@PathParam("providerId") long providerId, @PathParam("modelId") long modelId,
            @QueryParam("cascade") boolean cascade, JsonNode body) {
        return service.patch(providerId, modelId, body, cascade);
    }

    @DELETE
    @Path("/{modelId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a model", description = "409 lists pool and cluster members using it; ?cascade=true removes them")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such provider or model")
    @APIResponse(responseCode = "409", description = "Still referenced (references listed)")
    public void delete(@PathParam("providerId") long providerId, @PathParam("modelId") long modelId,
            @QueryParam("cascade") boolean cascade) {
        service.delete(providerId, modelId, cascade);
    }
}
