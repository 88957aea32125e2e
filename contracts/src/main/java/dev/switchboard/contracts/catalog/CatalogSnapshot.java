package dev.switchboard.contracts.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * The whole catalog as published to {@code sb:catalog:snapshot}. Pool, cluster and model names share
 * one namespace for tenants (catalog-service refuses collisions), so a bare name resolves without
 * ambiguity: cluster, else pool, else model.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogSnapshot(
        int v,
        long version,
        Instant publishedAt,
        List<ProviderSnapshot> providers,
        List<PoolSnapshot> pools,
        List<ClusterSnapshot> clusters,
        List<RouteSnapshot> routes) {

    public CatalogSnapshot {
        providers = providers == null ? List.of() : List.copyOf(providers);
        pools = pools == null ? List.of() : List.copyOf(pools);
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }
}
