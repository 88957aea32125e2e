package dev.switchboard.auth.rest;

import dev.switchboard.admin.ApiProblem;
import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.service.SnapshotService;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The relay's way to an auth snapshot on a Redis miss. Not OIDC-protected: guarded by the shared
 * service token, compared in constant time.
 */
@Path("/internal/v1/auth-snapshots")
@Tag(name = "Internal", description = "Service-to-service endpoints for the relay")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class InternalSnapshotResource {

    public static final String TOKEN_HEADER = "x-switchboard-service-token";

    private final SnapshotService snapshots;
    private final AuthConfig config;

    public InternalSnapshotResource(SnapshotService snapshots, AuthConfig config) {
        this.snapshots = snapshots;
        this.config = config;
    }

    @GET
    @Path("{sha256}")
    @Operation(summary = "Auth cache entry of a tenant key, by the SHA-256 hex of the key; loads and caches it on a Redis miss")
    @APIResponse(responseCode = "200", description = "The key exists (its status may still be disabled or revoked)",
            content = @Content(schema = @Schema(implementation = AuthCacheEntry.class)))
    @APIResponse(responseCode = "401", description = "Missing or wrong service token")
    @APIResponse(responseCode = "404", description = "Unknown or malformed key hash; the negative entry, also cached in Redis",
            content = @Content(schema = @Schema(implementation = AuthCacheEntry.class)))
    @APIResponse(responseCode = "503", description = "Redis unavailable: no answer without the negative cache")
    public Response get(@PathParam("sha256") @Parameter(description = "lowercase hex SHA-256 of the tenant key") String sha256,
            @HeaderParam(TOKEN_HEADER) String token) {
        if (!tokenMatches(token)) {
            throw new ApiProblem(401, "missing or wrong " + TOKEN_HEADER);
        }
        AuthCacheEntry entry = snapshots.lookup(sha256);
        return Response.status(entry.notFound() ? 404 : 200).type(MediaType.APPLICATION_JSON).entity(entry).build();
    }

    @GET
    @Operation(summary = "An empty key hash: always the negative entry")
    @APIResponse(responseCode = "401", description = "Missing or wrong service token")
    @APIResponse(responseCode = "404", description = "The negative entry",
            content = @Content(schema = @Schema(implementation = AuthCacheEntry.class)))
    public Response empty(@HeaderParam(TOKEN_HEADER) String token) {
        return get("", token);
    }

    private boolean tokenMatches(String token) {
        String expected = config.internalToken().orElse("");
        if (expected.isEmpty() || token == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
