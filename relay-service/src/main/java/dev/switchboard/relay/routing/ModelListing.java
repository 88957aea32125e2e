package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code GET /v1/models} shows a group: clusters, pools and concrete model names it may use.
 * A name is listed when resolving it for the group (any endpoint protocol, nothing cooling down)
 * yields at least one candidate, so the list agrees with the resolver by construction. Names come
 * from the catalog (clusters, pools, every model a provider lists) plus the literal (wildcard-free)
 * patterns of model routes and of the group's routing overlay; wildcard patterns are expanded
 * against the catalog's model names, so a literal {@code *} never appears.
 */
public final class ModelListing {

    private ModelListing() {
    }

    public static List<ListedModel> visible(CatalogIndex c, GroupSnapshot g) {
        Resolver resolver = new Resolver(c); // private counters: listing never advances round-robin
        Map<String, ListedModel> out = new LinkedHashMap<>();
        for (ClusterSnapshot cl : c.snapshot().clusters()) {
            consider(out, resolver, g, cl.name(), ListedModel.CLUSTER);
        }
        for (PoolSnapshot p : c.snapshot().pools()) {
            consider(out, resolver, g, p.name(), ListedModel.POOL);
        }
        for (String m : c.modelNames()) {
            consider(out, resolver, g, m, ListedModel.MODEL);
        }
        for (RouteSnapshot r : c.enabledRoutes()) {
            if (isLiteral(r.pattern())) {
                consider(out, resolver, g, r.pattern(), ListedModel.MODEL);
            }
        }
        if (g != null && g.modelRoutingEnabled()) {
            for (String pattern : g.modelRouting().keySet()) {
                if (isLiteral(pattern)) {
                    consider(out, resolver, g, pattern, ListedModel.MODEL);
                }
            }
        }
        List<ListedModel> list = new ArrayList<>(out.values());
        list.sort(Comparator.comparingInt((ListedModel m) -> rank(m.kind()))
                .thenComparing(ListedModel::id, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(ListedModel::id));
        return List.copyOf(list);
    }

    private static void consider(Map<String, ListedModel> out, Resolver resolver, GroupSnapshot g, String name,
            String kind) {
        if (name == null || name.isBlank() || !isLiteral(name)) {
            return;
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (out.containsKey(key)) {
            return;
        }
        Resolution r = resolver.resolve(new ResolveRequest(name, g, null, CooldownView.NONE, HeadroomView.NONE, 0));
        if (r.candidates().isEmpty()) {
            return;
        }
        String ownedBy = ListedModel.SWITCHBOARD;
        if (ListedModel.MODEL.equals(kind) && !resolver.catalog().providersListing(name).isEmpty()) {
            ownedBy = r.candidates().get(0).provider().name();
        }
        out.put(key, new ListedModel(name, kind, ownedBy));
    }

    private static boolean isLiteral(String pattern) {
        return pattern != null && !pattern.isEmpty() && pattern.indexOf('*') < 0;
    }

    private static int rank(String kind) {
        return switch (kind) {
            case ListedModel.CLUSTER -> 0;
            case ListedModel.POOL -> 1;
            default -> 2;
        };
    }
}
