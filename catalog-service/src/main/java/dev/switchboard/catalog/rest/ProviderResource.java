package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.ProviderView;
import dev.switchboard.catalog.service.ProviderService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.groups.ConvertGroup;
import dev.switchboard.catalog.api.Requests.ProviderRequest;
import dev.switchboard.catalog.api.Requests.OnCreate;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/providers")
@Tag(name = "Providers", description = "Upstream providers, their extra headers and failover rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProviderResource {

    private final ProviderService service;

    private final Paging paging;

    public ProviderResource(ProviderService service, Paging paging) {
        this.service = service;
        this.paging = paging;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "List providers (paged, by id)")
    @APIResponse(responseCode = "200", description = "A page of providers")
    @APIResponse(responseCode = "422", description = "Invalid page or size")
    public Page<ProviderView> list(@QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return service.list(paging.page(page), paging.size(size));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "Get a provider")
    @APIResponse(responseCode = "200", description = "The provider")
    @APIResponse(responseCode = "404", description = "No such provider")
    public ProviderView get(@PathParam("id") long id) {
        return service.get(id);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a provider",
            description = "Fields: name, protocol (openai|anthropic), baseUrl, enabled, timeouts {connectMs, firstByteMs, "
                    + "idleMs}, headers {name: value}, failoverRules [{status, bodyContains, action retry|stop, scope "
                    + "none|key|key_model|provider_model|provider, cooldownSeconds, reason}], responsesApi (openai only: the "
                    + "provider also serves /v1/responses, which the relay then passes through; default false), "
                    + "defaultPrice {inputPricePerMTok, outputPricePerMTok} (USD per million tokens of the names it serves "
                    + "that no model lists with a price; both required, 0 <= value < 1e12, at most 6 decimals; null = none)")
    @RequestBody(description = "The provider")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "409", description = "Name already used by another provider")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public Response create(@Valid @ConvertGroup(to = OnCreate.class) ProviderRequest body) {
        ProviderView created = service.create(body);
        return Response.created(URI.create("/admin/providers/" + created.id())).entity(created).build();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change named fields of a provider (others keep their values)",
            description = "The fields of create; defaultPrice null removes the default price")
    @RequestBody(description = "An RFC 7386 merge patch: named fields change, null clears (the create default "
            + "applies), objects merge member by member, arrays replace", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProviderRequest.class)))
    @APIResponse(responseCode = "200", description = "Updated")
    @APIResponse(responseCode = "400", description = "Body is not a JSON object")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "409", description = "Name already used by another provider")
    @APIResponse(responseCode = "422", description = "Validation failed; errors name each field")
    public ProviderView patch(@PathParam("id") long id, JsonNode body) {
        return service.patch(id, body);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a provider with its keys and models",
            description = "409 lists pool members, cluster members and routes that still need it; ?cascade=true removes them")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such provider")
    @APIResponse(responseCode = "409", description = "Still referenced (references listed)")
    public void delete(@PathParam("id") long id, @QueryParam("cascade") boolean cascade) {
        service.delete(id, cascade);
    }
}
