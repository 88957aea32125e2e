package dev.switchboard.catalog.rest;

import dev.switchboard.admin.Roles;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.catalog.api.Views.PublishView;
import dev.switchboard.catalog.api.Views.RotationView;
import dev.switchboard.catalog.service.KeyService;
import dev.switchboard.catalog.service.PublishService;
import dev.switchboard.catalog.store.CatalogStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin")
@Tag(name = "Catalog", description = "The published snapshot, publishing and data-key rotation")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    private final CatalogStore store;

    private final PublishService publisher;

    private final KeyService keys;

    public CatalogResource(CatalogStore store, PublishService publisher, KeyService keys) {
        this.store = store;
        this.publisher = publisher;
        this.keys = keys;
    }

    @GET
    @Path("/catalog/snapshot")
    @RolesAllowed({Roles.ADMIN, Roles.VIEWER})
    @Operation(summary = "The snapshot currently published in Redis (secrets as ciphertext only)")
    @APIResponse(responseCode = "200", description = "The CatalogSnapshot document as the relays read it")
    @APIResponse(responseCode = "404", description = "Nothing published yet (or Redis was flushed; the next heal re-publishes)")
    public Response snapshot() {
        String json = store.snapshot().orElseThrow(() -> ApiProblem.notFound("catalog snapshot", "in Redis"));
        return Response.ok(json, MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/catalog/publish")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Build and publish the snapshot now (normally automatic after every change)")
    @APIResponse(responseCode = "200", description = "Published; the version and size in bytes")
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable")
    public Response publish() {
        try {
            PublishView view = publisher.publishNow();
            return Response.ok(view).build();
        } catch (SQLException | RuntimeException e) {
            throw ApiProblem.unavailable("the catalog could not be published");
        }
    }

    @POST
    @Path("/provider-keys/rotate-encryption")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Re-seal every provider secret sealed with a non-active data key")
    @APIResponse(responseCode = "200", description = "The active data key id and how many secrets were re-sealed")
    public RotationView rotate() {
        return keys.rotateEncryption();
    }
}
