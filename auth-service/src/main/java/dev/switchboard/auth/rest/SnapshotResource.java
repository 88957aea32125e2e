package dev.switchboard.auth.rest;

import dev.switchboard.admin.Roles;
import dev.switchboard.auth.service.SnapshotService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/admin/snapshots")
@Tag(name = "Snapshots", description = "The relay's cached view of keys in Redis")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class SnapshotResource {

    private final SnapshotService snapshots;

    public SnapshotResource(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @POST
    @Path("rebuild")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Write every key snapshot to Redis (missing or older entries only; the compare-and-set keeps newer ones)")
    @APIResponse(responseCode = "200", description = "How many entries were written")
    @APIResponse(responseCode = "503", description = "Redis unavailable")
    public Map<String, Integer> rebuild() {
        return Map.of("written", snapshots.rebuildAll());
    }
}
