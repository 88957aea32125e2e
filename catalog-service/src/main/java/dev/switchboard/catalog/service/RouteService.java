package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Requests.RouteRequest;
import dev.switchboard.catalog.api.Views.RouteView;
import dev.switchboard.catalog.entity.Cluster;
import dev.switchboard.catalog.entity.Pool;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.entity.Route;
import dev.switchboard.catalog.repository.ClusterRepository;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.PoolRepository;
import dev.switchboard.catalog.repository.ProviderRepository;
import dev.switchboard.catalog.repository.RouteRepository;
import dev.switchboard.catalog.store.CatalogStore;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.contracts.pattern.ModelPattern;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Model routes: a wildcard pattern sends matching model names to a provider, pool or cluster. */
@ApplicationScoped
public class RouteService {

    private static final Logger LOG = Logger.getLogger(RouteService.class);

    /** Default priority: mid-range, so operators can add routes that win (lower) or lose (higher). */
    static final int DEFAULT_PRIORITY = 100;

    private final RouteRepository routes;
    private final ProviderRepository providers;
    private final PoolRepository pools;
    private final ClusterRepository clusters;
    private final IntegrityRepository integrity;
    private final CatalogStore store;
    private final MergePatch mergePatch;
    private final Event<CatalogChanged> changed;

    public RouteService(RouteRepository routes, ProviderRepository providers, PoolRepository pools,
            ClusterRepository clusters, IntegrityRepository integrity, CatalogStore store, MergePatch mergePatch,
            Event<CatalogChanged> changed) {
        this.mergePatch = mergePatch;
        this.routes = routes;
        this.providers = providers;
        this.pools = pools;
        this.clusters = clusters;
        this.integrity = integrity;
        this.store = store;
        this.changed = changed;
    }

    public Page<RouteView> list(int page, int size) {
        var query = routes.findAll(Sort.by("id"));
        List<Route> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        Map<Long, Long> hits = hits(items.stream().map(r -> r.id).toList());
        return new Page<>(items.stream().map(r -> view(r, hits)).toList(), page, size, query.count());
    }

    public RouteView get(long id) {
        Route r = find(id);
        return view(r, hits(List.of(id)));
    }

    @Transactional
    public RouteView create(RouteRequest request) {
        integrity.lockCatalog();
        Route r = new Route();
        apply(r, request, true);
        routes.persist(r);
        changed.fire(new CatalogChanged("route " + r.id + " created"));
        return view(r, Map.of());
    }

    @Transactional
    public RouteView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Route r = find(id);
        RouteRequest current = new RouteRequest(r.pattern, kindOf(r), targetName(r), r.priority, r.enabled);
        // the target is one unit: naming either half re-resolves it, the other half keeps its value
        boolean retarget = MergePatch.touches(body, "targetKind") || MergePatch.touches(body, "target");
        apply(r, mergePatch.apply(current, body, RouteRequest.class), retarget);
        changed.fire(new CatalogChanged("route " + id + " updated"));
        return view(r, hits(List.of(id)));
    }

    @Transactional
    public void delete(long id) {
        integrity.lockCatalog();
        routes.delete(find(id));
        changed.fire(new CatalogChanged("route " + id + " deleted"));
    }

    private Route find(long id) {
        Route r = routes.findById(id);
        if (r == null) {
            throw ApiProblem.notFound("route", id);
        }
        return r;
    }

    /** Writes a valid request onto the route; null fields take the defaults of a create. */
    private void apply(Route r, RouteRequest q, boolean retarget) {
        if (retarget) {
            Long providerId = null;
            Long poolId = null;
            Long clusterId = null;
            switch (q.targetKind()) {
                case RouteSnapshot.PROVIDER -> providerId = providers.findByName(q.target()).map(p -> p.id).orElse(null);
                case RouteSnapshot.POOL -> poolId = pools.findByName(q.target()).map(p -> p.id).orElse(null);
                default -> clusterId = clusters.findByName(q.target()).map(c -> c.id).orElse(null);
            }
            if (providerId == null && poolId == null && clusterId == null) {
                throw ApiProblem.invalid("target", "no " + q.targetKind() + " has this name");
            }
            r.targetProviderId = providerId;
            r.targetPoolId = poolId;
            r.targetClusterId = clusterId;
        }
        r.pattern = q.pattern();
        r.priority = q.priority() == null ? DEFAULT_PRIORITY : q.priority();
        r.enabled = q.enabled() == null || q.enabled();
    }

    private static String kindOf(Route r) {
        if (r.targetProviderId != null) {
            return RouteSnapshot.PROVIDER;
        }
        if (r.targetPoolId != null) {
            return RouteSnapshot.POOL;
        }
        return r.targetClusterId != null ? RouteSnapshot.CLUSTER : null;
    }

    private String targetName(Route r) {
        if (r.targetProviderId != null) {
            Provider p = providers.findById(r.targetProviderId);
            return p == null ? null : p.name;
        }
        if (r.targetPoolId != null) {
            Pool p = pools.findById(r.targetPoolId);
            return p == null ? null : p.name;
        }
        if (r.targetClusterId != null) {
            Cluster c = clusters.findById(r.targetClusterId);
            return c == null ? null : c.name;
        }
        return null;
    }

    /** Hit counts are advisory: a Redis outage shows 0 rather than failing the admin view. */
    private Map<Long, Long> hits(List<Long> ids) {
        try {
            return store.routeHits(ids);
        } catch (RuntimeException e) {
            LOG.warnf("route hit counts unavailable: %s", e.getClass().getSimpleName());
            return Map.of();
        }
    }

    private RouteView view(Route r, Map<Long, Long> hits) {
        return new RouteView(r.id, r.pattern, kindOf(r), targetName(r), r.priority, r.enabled, r.id,
                hits.getOrDefault(r.id, 0L));
    }
}
