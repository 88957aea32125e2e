package dev.switchboard.relay.health;

import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.store.CatalogStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Redis answers and a catalog snapshot is loaded; the relay cannot route without either. */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements AsyncHealthCheck {

    private final CatalogHolder catalog;
    private final CatalogStore store;

    public CatalogReadiness(CatalogHolder catalog, CatalogStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long version = catalog.version();
        boolean loaded = catalog.loaded();
        return store.ping()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(v -> true)
                .onFailure().recoverWithItem(false)
                .map(redisUp -> HealthCheckResponse.named("relay")
                        .status(redisUp && loaded)
                        .withData("redis", redisUp ? "up" : "down")
                        .withData("catalogLoaded", loaded)
                        .withData("catalogVersion", version)
                        .build());
    }
}
