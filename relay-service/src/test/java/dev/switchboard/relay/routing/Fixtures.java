package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for catalog and group snapshots. */
final class Fixtures {

    private Fixtures() {
    }

    static ProviderKeySnapshot key(long id, String label, int weight) {
        return new ProviderKeySnapshot(id, label, "k1:AAAA", "abcd", null, null, weight, true);
    }

    static ProviderKeySnapshot disabledKey(long id, String label) {
        return new ProviderKeySnapshot(id, label, "k1:AAAA", "abcd", null, null, 1, false);
    }

    static ModelSnapshot model(long id, String name, String upstream) {
        return new ModelSnapshot(id, name, upstream, 128_000, BigDecimal.ONE, BigDecimal.TEN, true);
    }

    static ModelSnapshot model(long id, String name) {
        return model(id, name, name);
    }

    static ModelSnapshot disabledModel(long id, String name) {
        return new ModelSnapshot(id, name, name, null, null, null, false);
    }

    static ProviderSnapshot provider(long id, String name, String protocol, List<ProviderKeySnapshot> keys,
            List<ModelSnapshot> models) {
        return new ProviderSnapshot(id, name, protocol, "http://127.0.0.1:8090", true, null, Map.of(), keys, models,
                List.of());
    }

    static ProviderSnapshot provider(long id, String name, List<ProviderKeySnapshot> keys, ModelSnapshot... models) {
        return provider(id, name, ProviderSnapshot.OPENAI, keys, List.of(models));
    }

    static ProviderSnapshot disabled(ProviderSnapshot p) {
        return new ProviderSnapshot(p.id(), p.name(), p.protocol(), p.baseUrl(), false, p.timeouts(), p.headers(),
                p.keys(), p.models(), p.failoverRules());
    }

    static ProviderSnapshot withRules(ProviderSnapshot p, FailoverRule... rules) {
        return new ProviderSnapshot(p.id(), p.name(), p.protocol(), p.baseUrl(), p.enabled(), p.timeouts(),
                p.headers(), p.keys(), p.models(), List.of(rules));
    }

    static PoolSnapshot.Member member(long providerId, String model, int priority, int weight) {
        return new PoolSnapshot.Member(providerId, model, priority, weight, true);
    }

    static PoolSnapshot.Member disabledMember(long providerId, String model) {
        return new PoolSnapshot.Member(providerId, model, 0, 1, false);
    }

    static PoolSnapshot pool(long id, String name, String strategy, PoolSnapshot.Member... members) {
        return new PoolSnapshot(id, name, strategy, true, List.of(members));
    }

    static ClusterSnapshot cluster(long id, String name, ClusterSnapshot.Member... members) {
        return new ClusterSnapshot(id, name, true, List.of(members));
    }

    static ClusterSnapshot.Member poolMember(String name) {
        return new ClusterSnapshot.Member(ClusterSnapshot.POOL, name);
    }

    static ClusterSnapshot.Member modelMember(String name) {
        return new ClusterSnapshot.Member(ClusterSnapshot.MODEL, name);
    }

    static RouteSnapshot route(long id, String pattern, String kind, String target, int priority, long seq) {
        return new RouteSnapshot(id, pattern, kind, target, priority, true, seq);
    }

    static CatalogBuilder catalog() {
        return new CatalogBuilder();
    }

    static final class CatalogBuilder {
        final List<ProviderSnapshot> providers = new ArrayList<>();
        final List<PoolSnapshot> pools = new ArrayList<>();
        final List<ClusterSnapshot> clusters = new ArrayList<>();
        final List<RouteSnapshot> routes = new ArrayList<>();

        CatalogBuilder providers(ProviderSnapshot... p) {
            providers.addAll(Arrays.asList(p));
            return this;
        }

        CatalogBuilder pools(PoolSnapshot... p) {
            pools.addAll(Arrays.asList(p));
            return this;
        }

        CatalogBuilder clusters(ClusterSnapshot... c) {
            clusters.addAll(Arrays.asList(c));
            return this;
        }

        CatalogBuilder routes(RouteSnapshot... r) {
            routes.addAll(Arrays.asList(r));
            return this;
        }

        CatalogIndex index() {
            return CatalogIndex.build(new CatalogSnapshot(1, 7, Instant.EPOCH, providers, pools, clusters, routes));
        }
    }

    static GroupSnapshot group(String platform, List<String> allowed, Map<String, List<String>> routing,
            boolean routingEnabled) {
        return new GroupSnapshot(1, "team", platform, "active", "standard", BigDecimal.ONE, null, null, null, allowed,
                null, routing, routingEnabled, 1);
    }

    static GroupSnapshot openGroup() {
        return group("any", List.of(), Map.of(), false);
    }

    static Map<String, List<String>> routing(Object... patternThenTargets) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < patternThenTargets.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> t = (List<String>) patternThenTargets[i + 1];
            m.put((String) patternThenTargets[i], t);
        }
        return m;
    }

    static ResolveRequest req(String model, GroupSnapshot g) {
        return new ResolveRequest(model, g, ProviderSnapshot.OPENAI, CooldownView.NONE, HeadroomView.NONE, 1_000_000L);
    }

    static List<String> labels(Resolution r) {
        return r.candidates().stream().map(Candidate::label).toList();
    }

    static List<String> skipReasons(Resolution r) {
        return r.skipped().stream().map(Skip::reason).toList();
    }
}
