package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Views.RouteView;
import dev.switchboard.catalog.entity.Cluster;
import dev.switchboard.catalog.entity.Pool;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.entity.Route;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.store.CatalogStore;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.contracts.pattern.ModelPattern;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
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

    @Inject
    IntegrityRepository integrity;

    @Inject
    CatalogStore store;

    @Inject
    Event<CatalogChanged> changed;

    public Page<RouteView> list(int page, int size) {
        var query = Route.findAll(Sort.by("id"));
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
        r.persist();
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
        find(id).delete();
        changed.fire(new CatalogChanged("route " + id + " deleted"));
    }

    private Route find(long id) {
        Route r = Route.findById(id);
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
                            Provider.findByName(name).map(p -> p.id).orElse(null);
                    case RouteSnapshot.POOL -> r.targetPoolId = Pool.<Pool>find("lower(name) = lower(?1)", name)
                            .firstResultOptional().map(p -> p.id).orElse(null);
                    default -> r.targetClusterId = Cluster.<Cluster>find("lower(name) = lower(?1)", name)
                            .firstResultOptional().map(c -> c.id).orElse(null);
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

    private static String targetName(Route r) {
        if (r.targetProviderId != null) {
            Provider p = Provider.findById(r.targetProviderId);
            return p == null ? null : p.name;
        }
        if (r.targetPoolId != null) {
            Pool p = Pool.findById(r.targetPoolId);
            return p == null ? null : p.name;
        }
        if (r.targetClusterId != null) {
            Cluster c = Cluster.findById(r.targetClusterId);
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

    private static RouteView view(Route r, Map<Long, Long> hits) {
        return new RouteView(r.id, r.pattern, kindOf(r), targetName(r), r.priority, r.enabled, r.id,
                hits.getOrDefault(r.id, 0L));
    }
}
