package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
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
import java.util.Set;
import org.jboss.logging.Logger;

/** Model routes: a wildcard pattern sends matching model names to a provider, pool or cluster. */
@ApplicationScoped
public class RouteService {

    private static final Logger LOG = Logger.getLogger(RouteService.class);

    static final Set<String> FIELDS = Set.of("pattern", "targetKind", "target", "priority", "enabled");
    static final Set<String> TARGET_KINDS = Set.of(RouteSnapshot.PROVIDER, RouteSnapshot.POOL, RouteSnapshot.CLUSTER);
    /** Default priority: mid-range, so operators can add routes that win (lower) or lose (higher). */
    static final int DEFAULT_PRIORITY = 100;

    private final RouteRepository routes;
    private final ProviderRepository providers;
    private final PoolRepository pools;
    private final ClusterRepository clusters;
    private final IntegrityRepository integrity;
    private final CatalogStore store;
    private final Event<CatalogChanged> changed;

    public RouteService(RouteRepository routes, ProviderRepository providers, PoolRepository pools,
            ClusterRepository clusters, IntegrityRepository integrity, CatalogStore store,
            Event<CatalogChanged> changed) {
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
    public RouteView create(JsonNode body) {
        integrity.lockCatalog();
        Fields f = Fields.of(body, FIELDS);
        f.require("pattern");
        f.require("targetKind");
        f.require("target");
        Route r = new Route();
        r.priority = DEFAULT_PRIORITY;
        r.enabled = true;
        apply(r, f);
        routes.persist(r);
        changed.fire(new CatalogChanged("route " + r.id + " created"));
        return view(r, Map.of());
    }

    @Transactional
    public RouteView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Route r = find(id);
        apply(r, Fields.of(body, FIELDS));
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

    private void apply(Route r, Fields f) {
        if (f.has("pattern")) {
            String pattern = f.text("pattern");
            if (pattern != null) {
                try {
                    ModelPattern.validate(pattern);
                    r.pattern = pattern;
                } catch (IllegalArgumentException e) {
                    f.error("pattern", e.getMessage());
                }
            }
        }
        if (f.has("priority")) {
            Integer p = f.integer("priority");
            if (p == null && f.node("priority").isNull()) {
                f.error("priority", "must be an integer");
            }
            r.priority = p == null ? r.priority : p;
        }
        if (f.has("enabled")) {
            Boolean e = f.bool("enabled");
            r.enabled = e == null ? r.enabled : e;
        }
        // the target is one unit: naming either half re-resolves it, the other half keeps its value
        if (f.has("targetKind") || f.has("target")) {
            String kind = f.has("targetKind") ? f.oneOf("targetKind", TARGET_KINDS) : kindOf(r);
            String name = f.has("target") ? f.text("target") : targetName(r);
            if (kind != null && name != null) {
                r.targetProviderId = null;
                r.targetPoolId = null;
                r.targetClusterId = null;
                switch (kind) {
                    case RouteSnapshot.PROVIDER -> r.targetProviderId =
                            providers.findByName(name).map(p -> p.id).orElse(null);
                    case RouteSnapshot.POOL -> r.targetPoolId = pools.findByName(name).map(p -> p.id).orElse(null);
                    default -> r.targetClusterId = clusters.findByName(name).map(c -> c.id).orElse(null);
                }
                if (r.targetProviderId == null && r.targetPoolId == null && r.targetClusterId == null) {
                    f.error("target", "no " + kind + " has this name");
                }
            }
        }
        f.throwIfErrors();
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
