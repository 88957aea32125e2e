package dev.switchboard.relay.proxy;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.metrics.RelayMetrics;
import dev.switchboard.relay.routing.CatalogIndex;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownView;
import dev.switchboard.relay.routing.HeadroomView;
import dev.switchboard.relay.routing.Resolution;
import dev.switchboard.relay.routing.ResolveRequest;
import dev.switchboard.relay.routing.CandidateQueue;
import dev.switchboard.relay.routing.FailoverPlanner;
import dev.switchboard.relay.routing.Skip;
import dev.switchboard.relay.store.RouteHitStore;
import dev.switchboard.relay.upstream.RequestBody;
import dev.switchboard.relay.usage.CostCeiling;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an admitted request into its {@link CandidateQueue} against the current catalog, or into the
 * refusal a client gets when nothing can serve the name at all (unknown, not allowed, no catalog yet).
 */
final class ChainResolver {

    /** Either a chain to try, or a refusal before any attempt. */
    sealed interface Result {
        record Chain(CandidateQueue queue, String resolvedVia) implements Result {
        }

        record Refused(int status, String code, String message, Long retryAfterSeconds) implements Result {
        }
    }

    private final CatalogHolder catalog;
    private final CooldownService cooldowns;
    private final HeadroomTracker headroom;
    private final RouteHitStore routeHits;
    private final RelayMetrics metrics;
    private final FailoverPlanner planner;

    ChainResolver(CatalogHolder catalog, CooldownService cooldowns, HeadroomTracker headroom, RouteHitStore routeHits,
            RelayMetrics metrics, FailoverPlanner planner) {
        this.catalog = catalog;
        this.cooldowns = cooldowns;
        this.headroom = headroom;
        this.routeHits = routeHits;
        this.metrics = metrics;
        this.planner = planner;
    }

    /**
     * The most the request may cost ({@link CostCeiling}) when served under {@code group}, in micro-USD: what
     * admission reserves for a metered tenant. No side effects (no metrics, no route hits); 0 when nothing priced
     * can serve it, which the resolution after admission then refuses.
     */
    long costCeiling(RequestBody body, GroupSnapshot group, Endpoint endpoint, long defaultOutputTokens) {
        CatalogHolder.Loaded loaded = catalog.current();
        if (loaded == null || !endpoint.billed()) {
            return 0;
        }
        return CostCeiling.micros(ceilingCandidates(loaded, body.model(), group, endpoint), body.length(),
                body.maxOutputTokens(), defaultOutputTokens, group);
    }

    /** Who may serve a name under a group, cooldowns and headroom aside: fixed for one catalog and group version. */
    private record CeilingKey(String model, long groupId, long groupVersion, Endpoint endpoint) {
    }

    private static final int MAX_CEILINGS = 10_000;
    private volatile CatalogHolder.Loaded ceilingsOf;
    private volatile Map<CeilingKey, List<Candidate>> ceilings = new ConcurrentHashMap<>();

    /**
     * The candidates a request's cost ceiling is priced over: every one the name may fail over to, whether cooling
     * down or not (a ceiling is an upper bound). Resolved once per catalog, group version, name and endpoint, not per
     * request.
     */
    private List<Candidate> ceilingCandidates(CatalogHolder.Loaded loaded, String model, GroupSnapshot group,
            Endpoint endpoint) {
        Map<CeilingKey, List<Candidate>> map = ceilings;
        if (ceilingsOf != loaded || map.size() > MAX_CEILINGS) {
            map = new ConcurrentHashMap<>();
            ceilings = map;
            ceilingsOf = loaded;
        }
        CeilingKey k = new CeilingKey(model, group == null ? 0 : group.id(), group == null ? 0 : group.version(), endpoint);
        List<Candidate> found = map.get(k);
        if (found == null) {
            found = loaded.resolver().resolve(new ResolveRequest(model, group, endpoint.dialect().wire(), CooldownView.NONE,
                    HeadroomView.NONE, System.currentTimeMillis(), endpoint.translates(), true)).candidates();
            map.put(k, found);
        }
        return found;
    }

    /**
     * @param startMs when the request arrived: the deadline of its attempts counts from it
     * @param metered the tenant's usage moves money: on a {@link Endpoint#billed() billed} endpoint unpriced
     *        candidates are left out, and a name with nothing priced left is refused before any upstream call
     */
    Result resolve(String model, GroupSnapshot group, Endpoint endpoint, long startMs, boolean metered) {
        CatalogHolder.Loaded loaded = catalog.current();
        if (loaded == null) {
            return new Result.Refused(503, "catalog_unavailable", "The model catalog is not loaded yet; retry shortly", 1L);
        }
        CatalogIndex index = loaded.index();
        long now = System.currentTimeMillis();
        Resolution resolution = loaded.resolver().resolve(new ResolveRequest(model, group, endpoint.dialect().wire(),
                cooldowns, headroom, now, endpoint.translates(), metered && endpoint.billed()));
        if (resolution.resolvedVia() != null && resolution.resolvedVia().startsWith("route:")) {
            index.route(model).map(RouteSnapshot::id).ifPresent(routeHits::hit);
        }
        resolution.skipped().forEach(skip -> metrics.skip(skip.reason()));
        if (!resolution.known()) {
            return new Result.Refused(404, "model_not_found",
                    "The model '" + model + "' does not exist or you do not have access to it", null);
        }
        if (resolution.candidates().isEmpty() && !resolution.skipped().isEmpty()
                && resolution.skipped().stream().allMatch(k -> Skip.NOT_ALLOWED.equals(k.reason()))) {
            return new Result.Refused(403, "model_not_allowed",
                    "Your API key's group may not use the model '" + model + "'", null);
        }
        if (resolution.unpriced()) {
            return new Result.Refused(403, Skip.MODEL_NOT_PRICED, "The model '" + model
                    + "' has no price in the catalog, and usage of your API key is billed: it cannot be served", null);
        }
        return new Result.Chain(planner.open(resolution, index, startMs, skip -> metrics.skip(skip.reason())),
                resolution.resolvedVia());
    }
}
