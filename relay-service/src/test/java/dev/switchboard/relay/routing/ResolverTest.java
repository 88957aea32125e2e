package dev.switchboard.relay.routing;

import static dev.switchboard.relay.routing.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResolverTest {

    private static final long NOW = 1_000_000L;

    private final ProviderSnapshot openaiA = provider(1, "openai-a",
            List.of(key(11, "a-small", 1), key(12, "a-big", 5), disabledKey(13, "a-off")),
            model(101, "gpt-4o", "gpt-4o-2024-08-06"), model(102, "gpt-4o-mini"));
    private final ProviderSnapshot openaiB = provider(2, "openai-b", List.of(key(21, "b1", 1)),
            model(201, "gpt-4o"), model(202, "o3"));
    private final ProviderSnapshot claude = provider(3, "claude", ProviderSnapshot.ANTHROPIC,
            List.of(key(31, "c1", 1)), List.of(model(301, "claude-sonnet-4")));

    private Resolution resolve(CatalogIndex idx, String model) {
        return new Resolver(idx).resolve(req(model, openGroup()));
    }

    // ---- raw models and keys ----

    @Test
    void rawModelExpandsEveryProviderListingItWithOneCandidatePerEnabledKey() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB).index();

        Resolution r = resolve(idx, "gpt-4o");

        assertThat(r.known()).isTrue();
        assertThat(r.resolvedVia()).isEqualTo("model:gpt-4o");
        // keys by weight descending, then id; the disabled key is reported, not used
        assertThat(labels(r)).containsExactly("openai-a/gpt-4o/a-big", "openai-a/gpt-4o/a-small", "openai-b/gpt-4o/b1");
        assertThat(r.skipped()).containsExactly(new Skip("openai-a", "gpt-4o", "a-off", "disabled", "key is disabled"));
    }

    @Test
    void candidateCarriesUpstreamNameAndModelInfo() {
        CatalogIndex idx = catalog().providers(openaiA).index();

        Candidate c = resolve(idx, "GPT-4o").candidates().get(0);

        assertThat(c.model()).isEqualTo("gpt-4o");
        assertThat(c.upstreamModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(c.modelInfo().id()).isEqualTo(101);
        assertThat(c.via()).isEqualTo("openai-a");
        assertThat(c.probeScope()).isNull();
    }

    @Test
    void unknownModelIsNotKnown() {
        CatalogIndex idx = catalog().providers(openaiA).index();

        Resolution r = resolve(idx, "llama-9000");

        assertThat(r.known()).isFalse();
        assertThat(r.candidates()).isEmpty();
        assertThat(r.resolvedVia()).isEqualTo("unknown");
        assertThat(skipReasons(r)).containsExactly("unknown_target");
    }

    @Test
    void disabledProviderAndDisabledModelAreSkipped() {
        ProviderSnapshot withOffModel = provider(4, "p4", List.of(key(41, "k", 1)), disabledModel(401, "gpt-4o"));
        CatalogIndex idx = catalog().providers(disabled(openaiA), withOffModel, openaiB).index();

        Resolution r = resolve(idx, "gpt-4o");

        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1");
        assertThat(r.skipped()).extracting(Skip::provider, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("openai-a", "disabled"),
                        org.assertj.core.groups.Tuple.tuple("p4", "disabled"));
    }

    @Test
    void providerWithoutEnabledKeyIsSkippedAsNoKeys() {
        ProviderSnapshot keyless = provider(5, "keyless", List.of(disabledKey(51, "off")), model(501, "gpt-4o"));
        ProviderSnapshot none = provider(6, "none", List.of(), model(601, "gpt-4o"));
        CatalogIndex idx = catalog().providers(keyless, none).index();

        Resolution r = resolve(idx, "gpt-4o");

        assertThat(r.known()).isTrue();
        assertThat(r.candidates()).isEmpty();
        assertThat(skipReasons(r)).containsExactly("no_keys", "no_keys");
    }

    // ---- clusters and pools ----

    @Test
    void clusterExpandsPoolsAndModelsInOrderWithVia() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(2, "gpt-4o", 0, 1)))
                .clusters(cluster(1, "coding-fast", poolMember("gpt4"), modelMember("gpt-4o-mini")))
                .index();

        Resolution r = resolve(idx, "coding-fast");

        assertThat(r.resolvedVia()).isEqualTo("cluster:coding-fast");
        assertThat(r.targets()).containsExactly("coding-fast");
        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1", "openai-a/gpt-4o-mini/a-big",
                "openai-a/gpt-4o-mini/a-small");
        assertThat(r.candidates().get(0).via()).isEqualTo("cluster:coding-fast > pool:gpt4 > openai-b");
        assertThat(r.candidates().get(1).via()).isEqualTo("cluster:coding-fast > openai-a");
    }

    @Test
    void emptyClusterIsKnownButHasNoCandidates() {
        CatalogIndex idx = catalog().providers(openaiA).clusters(new ClusterSnapshot(1, "empty", true, List.of())).index();

        Resolution r = resolve(idx, "EMPTY");

        assertThat(r.known()).isTrue();
        assertThat(r.resolvedVia()).isEqualTo("cluster:empty");
        assertThat(r.candidates()).isEmpty();
    }

    @Test
    void disabledClusterAndDisabledPoolAreSkipped() {
        PoolSnapshot off = new PoolSnapshot(1, "off-pool", PoolSnapshot.PRIORITY, false, List.of(member(2, "gpt-4o", 0, 1)));
        ClusterSnapshot offCluster = new ClusterSnapshot(2, "off-cluster", false, List.of(modelMember("gpt-4o")));
        CatalogIndex idx = catalog().providers(openaiB).pools(off).clusters(offCluster).index();

        Resolution pool = resolve(idx, "off-pool");
        Resolution cluster = resolve(idx, "off-cluster");

        assertThat(pool.known()).isTrue();
        assertThat(pool.candidates()).isEmpty();
        assertThat(pool.skipped()).extracting(Skip::reason, Skip::model)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("disabled", "off-pool"));
        assertThat(cluster.skipped()).extracting(Skip::reason, Skip::model)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("disabled", "off-cluster"));
    }

    @Test
    void priorityPoolRunsLowerPriorityFirstAndKeepsListOrderOnTies() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB, claudeAsOpenai())
                .pools(pool(1, "p", PoolSnapshot.PRIORITY, member(2, "gpt-4o", 5, 1), member(9, "gpt-4o", 1, 1),
                        member(1, "gpt-4o-mini", 1, 1)))
                .index();

        Resolution r = resolve(idx, "p");

        assertThat(r.candidates()).extracting(c -> c.provider().name())
                .containsExactly("proxy", "openai-a", "openai-a", "openai-b");
    }

    @Test
    void disabledPoolMemberIsSkipped() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .pools(pool(1, "p", PoolSnapshot.PRIORITY, disabledMember(1, "gpt-4o"), member(2, "gpt-4o", 0, 1)))
                .index();

        Resolution r = resolve(idx, "p");

        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1");
        assertThat(r.skipped()).extracting(Skip::provider, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("openai-a", "disabled"));
    }

    @Test
    void roundRobinRotatesTheStartEveryCall() {
        ProviderSnapshot c = provider(4, "c", List.of(key(41, "c1", 1)), model(401, "gpt-4o"));
        CatalogIndex idx = catalog().providers(openaiA, openaiB, c)
                .pools(pool(1, "rr", PoolSnapshot.ROUND_ROBIN, member(1, "gpt-4o", 0, 1), member(2, "gpt-4o", 0, 1),
                        member(4, "gpt-4o", 0, 1)))
                .index();
        Resolver resolver = new Resolver(idx);

        List<String> firsts = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Resolution r = resolver.resolve(req("rr", openGroup()));
            assertThat(r.candidates()).extracting(x -> x.provider().name()).hasSize(4).containsOnly("openai-a", "openai-b", "c");
            firsts.add(r.candidates().get(0).provider().name());
        }

        assertThat(firsts).containsExactly("openai-a", "openai-b", "c", "openai-a");
    }

    @Test
    void roundRobinRotatesKeysWithinAMember() {
        CatalogIndex idx = catalog().providers(openaiA)
                .pools(pool(1, "rr", PoolSnapshot.ROUND_ROBIN, member(1, "gpt-4o", 0, 1)))
                .index();
        Resolver resolver = new Resolver(idx);

        String first = resolver.resolve(req("rr", openGroup())).candidates().get(0).key().label();
        String second = resolver.resolve(req("rr", openGroup())).candidates().get(0).key().label();

        assertThat(List.of(first, second)).containsExactly("a-big", "a-small");
    }

    @Test
    void roundRobinSharesTurnsEvenlyAmongEnabledMembersOnly() {
        ProviderSnapshot c = provider(4, "c", List.of(key(41, "c1", 1)), model(401, "gpt-4o"));
        CatalogIndex idx = catalog().providers(openaiA, openaiB, c)
                .pools(pool(1, "rr", PoolSnapshot.ROUND_ROBIN, disabledMember(1, "gpt-4o"), member(2, "gpt-4o", 0, 1),
                        member(4, "gpt-4o", 0, 1)))
                .index();
        Resolver resolver = new Resolver(idx);
        Map<String, Integer> firsts = new HashMap<>();

        for (int i = 0; i < 10; i++) {
            firsts.merge(resolver.resolve(req("rr", openGroup())).candidates().get(0).provider().name(), 1, Integer::sum);
        }

        assertThat(firsts).containsOnly(Map.entry("openai-b", 5), Map.entry("c", 5));
    }

    @Test
    void weightedPoolPutsMembersFirstInProportionToWeight() {
        ProviderSnapshot c = provider(4, "c", List.of(key(41, "c1", 1)), model(401, "gpt-4o"));
        CatalogIndex idx = catalog().providers(openaiB, c)
                .pools(pool(1, "w", PoolSnapshot.WEIGHTED, member(2, "gpt-4o", 0, 1), member(4, "gpt-4o", 0, 3)))
                .index();
        Resolver resolver = new Resolver(idx, new Random(42));
        int cFirst = 0;
        int draws = 10_000;

        for (int i = 0; i < draws; i++) {
            Resolution r = resolver.resolve(req("w", openGroup()));
            assertThat(r.candidates()).hasSize(2);
            if (r.candidates().get(0).provider().id() == 4) {
                cFirst++;
            }
        }

        assertThat(cFirst / (double) draws).isBetween(0.73, 0.77);
    }

    @Test
    void weightedPoolOrdersKeysByKeyWeight() {
        ProviderSnapshot p = provider(4, "p", List.of(key(41, "light", 1), key(42, "heavy", 4)), model(401, "gpt-4o"));
        CatalogIndex idx = catalog().providers(p)
                .pools(pool(1, "w", PoolSnapshot.WEIGHTED, member(4, "gpt-4o", 0, 1)))
                .index();
        Resolver resolver = new Resolver(idx, new Random(7));
        int heavyFirst = 0;

        for (int i = 0; i < 10_000; i++) {
            if (resolver.resolve(req("w", openGroup())).candidates().get(0).key().id() == 42) {
                heavyFirst++;
            }
        }

        assertThat(heavyFirst / 10_000.0).isBetween(0.78, 0.82);
    }

    @Test
    void quotaAwareOrdersByHeadroomAndSkipsKeysWithNone() {
        ProviderSnapshot p = provider(4, "p", List.of(key(41, "empty", 9), key(42, "half", 1)), model(401, "gpt-4o"));
        ProviderSnapshot q = provider(5, "q", List.of(key(51, "full", 1)), model(501, "gpt-4o"));
        ProviderSnapshot z = provider(6, "z", List.of(key(61, "zero", 1)), model(601, "gpt-4o"));
        CatalogIndex idx = catalog().providers(p, q, z)
                .pools(pool(1, "qa", PoolSnapshot.QUOTA_AWARE, member(6, "gpt-4o", 0, 1), member(4, "gpt-4o", 0, 1),
                        member(5, "gpt-4o", 0, 1)))
                .index();
        Map<Long, Double> headroom = Map.of(41L, 0.0, 42L, 0.5, 51L, 0.9, 61L, 0.0);

        Resolution r = new Resolver(idx).resolve(new ResolveRequest("qa", openGroup(), "openai", CooldownView.NONE,
                id -> headroom.getOrDefault(id, 1.0), NOW));

        assertThat(labels(r)).containsExactly("q/gpt-4o/full", "p/gpt-4o/half");
        assertThat(r.skipped()).extracting(Skip::keyLabel, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("empty", "no_headroom"),
                        org.assertj.core.groups.Tuple.tuple("zero", "no_headroom"));
    }

    // ---- routes ----

    @Test
    void modelRoutePrecedenceIsExactThenLongestPrefixThenFewerWildcardsThenPriorityThenCreation() {
        ProviderSnapshot p = provider(7, "p", List.of(key(71, "k", 1)), model(701, "gpt-4o"));
        ProviderSnapshot[] targets = new ProviderSnapshot[6];
        for (int i = 0; i < 6; i++) {
            targets[i] = provider(20 + i, "t" + i, List.of(key(200 + i, "k", 1)));
        }
        CatalogIndex idx = catalog().providers(p).providers(targets)
                .routes(route(1, "*", RouteSnapshot.PROVIDER, "t0", 0, 1),
                        route(2, "gpt-*", RouteSnapshot.PROVIDER, "t1", 0, 2),
                        route(3, "gpt-4*", RouteSnapshot.PROVIDER, "t2", 9, 3),
                        route(4, "gpt-4*o*", RouteSnapshot.PROVIDER, "t3", 0, 4),
                        route(5, "GPT-4O", RouteSnapshot.PROVIDER, "t4", 9, 5),
                        route(6, "x*", RouteSnapshot.PROVIDER, "t5", 2, 6),
                        route(7, "x*", RouteSnapshot.PROVIDER, "t0", 1, 7),
                        route(8, "y*", RouteSnapshot.PROVIDER, "t1", 1, 8),
                        route(9, "y*", RouteSnapshot.PROVIDER, "t2", 1, 9))
                .index();

        assertThat(resolve(idx, "gpt-4o").candidates().get(0).provider().name()).isEqualTo("t4");  // exact
        assertThat(resolve(idx, "gpt-4o-mini").candidates().get(0).provider().name()).isEqualTo("t2"); // prefix, fewer wildcards
        assertThat(resolve(idx, "gpt-3").candidates().get(0).provider().name()).isEqualTo("t1");   // longest prefix
        assertThat(resolve(idx, "llama").candidates().get(0).provider().name()).isEqualTo("t0");   // catch-all
        assertThat(resolve(idx, "xl").candidates().get(0).provider().name()).isEqualTo("t0");      // priority
        assertThat(resolve(idx, "yl").candidates().get(0).provider().name()).isEqualTo("t1");      // creation order
    }

    @Test
    void providerRouteServesTheRequestedModelPassingUnknownNamesThrough() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .routes(route(1, "gpt-*", RouteSnapshot.PROVIDER, "openai-a", 0, 1))
                .index();

        Resolution listed = resolve(idx, "gpt-4o");
        Resolution passThrough = resolve(idx, "gpt-5-preview");

        assertThat(listed.resolvedVia()).isEqualTo("route:gpt-*");
        assertThat(listed.candidates()).extracting(Candidate::upstreamModel).containsOnly("gpt-4o-2024-08-06");
        assertThat(listed.candidates()).extracting(c -> c.provider().name()).containsOnly("openai-a");
        assertThat(passThrough.known()).isTrue();
        assertThat(passThrough.candidates()).extracting(Candidate::model, Candidate::upstreamModel)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("gpt-5-preview", "gpt-5-preview"));
        assertThat(passThrough.candidates().get(0).modelInfo()).isNull();
        assertThat(passThrough.candidates().get(0).via()).isEqualTo("route:gpt-* > openai-a");
    }

    @Test
    void routeToPoolOrClusterExpandsIt() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(2, "gpt-4o", 0, 1)))
                .clusters(cluster(1, "fast", modelMember("o3")))
                .routes(route(1, "gpt-4*", RouteSnapshot.POOL, "gpt4", 0, 1),
                        route(2, "o*", RouteSnapshot.CLUSTER, "fast", 0, 2))
                .index();

        assertThat(labels(resolve(idx, "gpt-4o"))).containsExactly("openai-b/gpt-4o/b1");
        assertThat(resolve(idx, "gpt-4o").candidates().get(0).via()).isEqualTo("route:gpt-4* > pool:gpt4 > openai-b");
        assertThat(labels(resolve(idx, "oxygen"))).containsExactly("openai-b/o3/b1");
    }

    @Test
    void clusterMemberMatchedByTheRouteThatLedToTheClusterMeansTheModelItself() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .clusters(cluster(1, "fast", modelMember("o3")))
                .routes(route(1, "o*", RouteSnapshot.CLUSTER, "fast", 0, 1))
                .index();

        Resolution r = resolve(idx, "o3");

        assertThat(r.resolvedVia()).isEqualTo("route:o*");
        assertThat(r.candidates()).singleElement().extracting(Candidate::via)
                .isEqualTo("route:o* > cluster:fast > openai-b");
    }

    @Test
    void disabledRouteIsIgnored() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .routes(new RouteSnapshot(1, "gpt-4o", RouteSnapshot.PROVIDER, "openai-b", 0, false, 1))
                .index();

        assertThat(resolve(idx, "gpt-4o").resolvedVia()).isEqualTo("model:gpt-4o");
    }

    @Test
    void routeLoopThroughAClusterTerminates() {
        CatalogIndex idx = catalog().providers(openaiA)
                .clusters(cluster(1, "loop", modelMember("x-1")))
                .routes(route(1, "x-*", RouteSnapshot.CLUSTER, "loop", 0, 1))
                .index();

        Resolution r = resolve(idx, "x-1");

        assertThat(r.candidates()).isEmpty();
        assertThat(r.skipped()).extracting(Skip::reason).containsExactly("unknown_target");
    }

    // ---- group overlay ----

    @Test
    void groupOverlayReplacesTheRequestedModelWithItsTargets() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(2, "gpt-4o", 0, 1)))
                .index();
        GroupSnapshot g = group("any", List.of(), routing("gpt-4*", List.of("gpt4", "provider:openai-a")), true);

        Resolution r = new Resolver(idx).resolve(req("gpt-4o", g));

        assertThat(r.resolvedVia()).isEqualTo("group:gpt-4*");
        assertThat(r.targets()).containsExactly("gpt4", "provider:openai-a");
        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1", "openai-a/gpt-4o/a-big", "openai-a/gpt-4o/a-small");
        assertThat(r.candidates().get(0).via()).isEqualTo("group:gpt-4* > pool:gpt4 > openai-b");
    }

    @Test
    void groupOverlayIsIgnoredWhenRoutingIsDisabledOrNoPatternMatches() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB).index();
        GroupSnapshot off = group("any", List.of(), routing("gpt-4o", List.of("provider:openai-b")), false);
        GroupSnapshot other = group("any", List.of(), routing("claude-*", List.of("provider:openai-b")), true);

        assertThat(new Resolver(idx).resolve(req("gpt-4o", off)).resolvedVia()).isEqualTo("model:gpt-4o");
        assertThat(new Resolver(idx).resolve(req("gpt-4o", other)).resolvedVia()).isEqualTo("model:gpt-4o");
    }

    @Test
    void groupOverlayUsesPatternPrecedence() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB).index();
        GroupSnapshot g = group("any", List.of(),
                routing("*", List.of("provider:openai-a"), "gpt-4o", List.of("provider:openai-b")), true);

        assertThat(labels(new Resolver(idx).resolve(req("gpt-4o", g)))).containsExactly("openai-b/gpt-4o/b1");
    }

    @Test
    void overlayTargetsThatNameNothingAreUnknown() {
        CatalogIndex idx = catalog().providers(openaiA).index();
        GroupSnapshot g = group("any", List.of(), routing("fast", List.of("nope", "provider:ghost")), true);

        Resolution r = new Resolver(idx).resolve(req("fast", g));

        assertThat(r.known()).isFalse();
        assertThat(skipReasons(r)).containsExactly("unknown_target", "unknown_target");
    }

    // ---- de-duplication ----

    @Test
    void sameProviderModelAndKeyReachedTwiceIsADuplicate() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(2, "gpt-4o", 0, 1)))
                .clusters(cluster(1, "c", poolMember("gpt4"), modelMember("gpt-4o")))
                .index();

        Resolution r = resolve(idx, "c");

        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1", "openai-a/gpt-4o/a-big", "openai-a/gpt-4o/a-small");
        assertThat(r.skipped()).extracting(Skip::provider, Skip::reason)
                .contains(org.assertj.core.groups.Tuple.tuple("openai-b", "duplicate"));
    }

    // ---- group permissions and protocol ----

    @Test
    void allowedModelsMatchAClusterOrPoolByItsNameElseEachServingModel() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .clusters(cluster(1, "mixed", modelMember("gpt-4o"), modelMember("o3")))
                .index();
        GroupSnapshot onlyO = group("any", List.of("o*"), Map.of(), false);
        GroupSnapshot cluster = group("any", List.of("MIXED"), Map.of(), false);
        GroupSnapshot everything = group("any", List.of(), Map.of(), false);

        Resolution filtered = new Resolver(idx).resolve(req("mixed", onlyO));

        assertThat(labels(filtered)).containsExactly("openai-b/o3/b1");
        assertThat(filtered.skipped()).extracting(Skip::reason).containsOnly("not_allowed");
        assertThat(labels(new Resolver(idx).resolve(req("mixed", cluster)))).hasSize(4);
        assertThat(labels(new Resolver(idx).resolve(req("mixed", everything)))).hasSize(4);
        assertThat(new Resolver(idx).resolve(req("gpt-4o", onlyO)).candidates()).isEmpty();
    }

    @Test
    void anInventedNameMatchingAnAllowPatternIsServedOnlyByTheModelsThePatternAllows() {
        CatalogIndex idx = catalog().providers(openaiA)
                .pools(pool(1, "gpt-family", PoolSnapshot.PRIORITY, member(1, "gpt-4o", 0, 1), member(1, "gpt-4o-mini", 1, 1)))
                .routes(route(1, "gpt-*", RouteSnapshot.POOL, "gpt-family", 0, 1))
                .index();
        GroupSnapshot mini = group("any", List.of("gpt-4o-mini*"), Map.of(), false);

        Resolution invented = new Resolver(idx).resolve(req("gpt-4o-mini-zzz", mini));

        assertThat(labels(invented)).allMatch(l -> l.startsWith("openai-a/gpt-4o-mini/"));
        assertThat(invented.skipped()).extracting(Skip::model, Skip::reason)
                .contains(org.assertj.core.groups.Tuple.tuple("gpt-4o", "not_allowed"));
    }

    @Test
    void aGroupOverlayTargetThatIsAnAllowedPoolPermitsItsMembers() {
        CatalogIndex idx = catalog().providers(openaiA)
                .pools(pool(1, "gpt-family", PoolSnapshot.PRIORITY, member(1, "gpt-4o", 0, 1), member(1, "gpt-4o-mini", 1, 1)))
                .index();
        GroupSnapshot byPool = group("any", List.of("gpt-family"), routing("fast", List.of("gpt-family")), true);
        GroupSnapshot byName = group("any", List.of("fast"), routing("fast", List.of("gpt-family")), true);

        assertThat(labels(new Resolver(idx).resolve(req("fast", byPool)))).hasSize(4);
        assertThat(new Resolver(idx).resolve(req("fast", byName)).candidates())
                .as("the requested name is no cluster or pool: it permits nothing itself").isEmpty();
    }

    @Test
    void invalidPatternsInSnapshotsAreIgnoredAndAnUnusableAllowListAllowsNothing() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB)
                .routes(route(1, "gpt 4o", RouteSnapshot.PROVIDER, "openai-b", 0, 1))
                .index();
        GroupSnapshot badOverlay = group("any", List.of(), routing("bad pattern", List.of("provider:openai-b")), true);
        GroupSnapshot badAllow = group("any", List.of("gpt 4o"), Map.of(), false);

        assertThat(new Resolver(idx).resolve(req("gpt-4o", badOverlay)).resolvedVia()).isEqualTo("model:gpt-4o");
        assertThat(new Resolver(idx).resolve(req("gpt-4o", badAllow)).candidates()).isEmpty();
    }

    @Test
    void providersOfTheOtherProtocolAreSkippedAsProtocolMismatch() {
        ProviderSnapshot anthropicGpt = provider(8, "anthropic-gw", ProviderSnapshot.ANTHROPIC,
                List.of(key(81, "k", 1)), List.of(model(801, "gpt-4o")));
        CatalogIndex idx = catalog().providers(anthropicGpt, openaiB).index();

        Resolution r = resolve(idx, "gpt-4o");
        Resolution anthropic = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "anthropic",
                CooldownView.NONE, HeadroomView.NONE, NOW));

        assertThat(labels(r)).containsExactly("openai-b/gpt-4o/b1");
        assertThat(r.skipped()).extracting(Skip::provider, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("anthropic-gw", "protocol_mismatch"));
        assertThat(labels(anthropic)).containsExactly("anthropic-gw/gpt-4o/k");
    }

    @Test
    void aPoolOrClusterThatTurnedTranslationOffServesOnlyItsOwnProtocol() {
        ProviderSnapshot anthropicGpt = provider(8, "anthropic-gw", ProviderSnapshot.ANTHROPIC,
                List.of(key(81, "k", 1)), List.of(model(801, "gpt-4o")));
        PoolSnapshot on = pool(71, "mixed-on", PoolSnapshot.PRIORITY, member(8, "gpt-4o", 0, 1), member(2, "gpt-4o", 1, 1));
        PoolSnapshot off = new PoolSnapshot(72, "mixed-off", PoolSnapshot.PRIORITY, true,
                List.of(member(8, "gpt-4o", 0, 1), member(2, "gpt-4o", 1, 1)), null, false);
        ClusterSnapshot offCluster = new ClusterSnapshot(73, "mixed-cluster-off", true,
                List.of(new ClusterSnapshot.Member(ClusterSnapshot.POOL, "mixed-on")), false);
        CatalogIndex idx = catalog().providers(anthropicGpt, openaiB).pools(on, off).clusters(offCluster).index();

        List<String> viaOn = labels(translating(idx, "mixed-on"));
        Resolution viaOff = translating(idx, "mixed-off");
        Resolution viaCluster = translating(idx, "mixed-cluster-off");

        assertThat(viaOn).containsExactly("anthropic-gw/gpt-4o/k", "openai-b/gpt-4o/b1");
        assertThat(labels(viaOff)).containsExactly("openai-b/gpt-4o/b1");
        assertThat(viaOff.skipped()).extracting(Skip::provider, Skip::reason)
                .contains(org.assertj.core.groups.Tuple.tuple("anthropic-gw", Skip.PROTOCOL_MISMATCH));
        assertThat(labels(viaCluster)).as("the cluster's switch covers its pools").containsExactly("openai-b/gpt-4o/b1");
    }

    private static Resolution translating(CatalogIndex idx, String name) {
        return new Resolver(idx).resolve(new ResolveRequest(name, openGroup(), "openai", CooldownView.NONE,
                HeadroomView.NONE, NOW, true));
    }

    @Test
    void withTranslationTheOtherProtocolStaysInTheChainAfterTheNativeProviders() {
        ProviderSnapshot anthropicGpt = provider(8, "anthropic-gw", ProviderSnapshot.ANTHROPIC,
                List.of(key(81, "k", 1)), List.of(model(801, "gpt-4o")));
        CatalogIndex idx = catalog().providers(anthropicGpt, openaiB).index();

        Resolution openai = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "openai",
                CooldownView.NONE, HeadroomView.NONE, NOW, true));
        Resolution anthropic = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "anthropic",
                CooldownView.NONE, HeadroomView.NONE, NOW, true));

        assertThat(labels(openai)).containsExactly("openai-b/gpt-4o/b1", "anthropic-gw/gpt-4o/k");
        assertThat(labels(anthropic)).containsExactly("anthropic-gw/gpt-4o/k", "openai-b/gpt-4o/b1");
        assertThat(openai.skipped()).extracting(Skip::reason).doesNotContain(Skip.PROTOCOL_MISMATCH);
    }

    @Test
    void groupPlatformLimitsProvidersAndAnyAcceptsBoth() {
        CatalogIndex idx = catalog().providers(openaiA, claude).index();
        GroupSnapshot anthropicOnly = group("anthropic", List.of(), Map.of(), false);

        Resolution gpt = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", anthropicOnly, null, null, null, NOW));
        Resolution sonnet = new Resolver(idx).resolve(new ResolveRequest("claude-sonnet-4", anthropicOnly, null, null, null, NOW));
        Resolution anyGpt = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), null, null, null, NOW));

        assertThat(gpt.candidates()).isEmpty();
        assertThat(skipReasons(gpt)).containsExactly("not_allowed");
        assertThat(labels(sonnet)).containsExactly("claude/claude-sonnet-4/c1");
        assertThat(anyGpt.candidates()).hasSize(2);
    }

    // ---- prices ----

    private static ResolveRequest metered(String model) {
        return new ResolveRequest(model, openGroup(), ProviderSnapshot.OPENAI, CooldownView.NONE, HeadroomView.NONE, NOW,
                false, true);
    }

    private static ProviderSnapshot withDefaultPrice(ProviderSnapshot p, String in, String out) {
        return new ProviderSnapshot(p.id(), p.name(), p.protocol(), p.baseUrl(), p.enabled(), p.timeouts(), p.headers(),
                p.keys(), p.models(), p.failoverRules(), false,
                new Price(new java.math.BigDecimal(in), new java.math.BigDecimal(out)));
    }

    @Test
    void aMeteredTenantSkipsPassThroughNamesOfAProviderWithoutDefaultPriceAndIsRefusedAsUnpriced() {
        CatalogIndex idx = catalog().providers(openaiA).routes(route(1, "gpt-*", RouteSnapshot.PROVIDER, "openai-a", 0, 1))
                .index();

        Resolution r = new Resolver(idx).resolve(metered("gpt-5-preview"));
        Resolution unmetered = resolve(idx, "gpt-5-preview");
        Resolution listed = new Resolver(idx).resolve(metered("gpt-4o"));

        assertThat(r.known()).isTrue();
        assertThat(r.candidates()).isEmpty();
        assertThat(skipReasons(r)).containsExactly(Skip.MODEL_NOT_PRICED);
        assertThat(r.unpriced()).isTrue();
        assertThat(unmetered.candidates()).hasSize(2);
        assertThat(unmetered.candidates().get(0).price()).isNull();
        assertThat(unmetered.unpriced()).isFalse();
        assertThat(listed.candidates()).extracting(c -> c.price().source()).containsOnly(CandidatePrice.Source.MODEL);
    }

    @Test
    void aProvidersDefaultPricesItsPassThroughNamesAndItsUnpricedModelsButNotItsPricedOnes() {
        ProviderSnapshot p = withDefaultPrice(provider(1, "openai-a", List.of(key(11, "a1", 1)),
                model(101, "gpt-4o"), disabledModel(102, "free-but-off"),
                new dev.switchboard.contracts.catalog.ModelSnapshot(103, "unpriced", "unpriced", null, null, null, true)),
                "0.5", "1.5");
        CatalogIndex idx = catalog().providers(p).routes(route(1, "gpt-*", RouteSnapshot.PROVIDER, "openai-a", 0, 1)).index();
        Resolver resolver = new Resolver(idx);

        CandidatePrice passThrough = resolver.resolve(metered("gpt-5-preview")).candidates().get(0).price();
        CandidatePrice unpricedModel = resolver.resolve(metered("unpriced")).candidates().get(0).price();
        CandidatePrice own = resolver.resolve(metered("gpt-4o")).candidates().get(0).price();

        assertThat(passThrough.source()).isEqualTo(CandidatePrice.Source.PROVIDER_DEFAULT);
        assertThat(passThrough.price().inputPricePerMTok()).isEqualByComparingTo("0.5");
        assertThat(unpricedModel.source()).isEqualTo(CandidatePrice.Source.PROVIDER_DEFAULT);
        assertThat(own.source()).isEqualTo(CandidatePrice.Source.MODEL);
        assertThat(own.price().outputPricePerMTok()).isEqualByComparingTo("10");
    }

    @Test
    void aPoolWithAnUnpricedFirstMemberServesAMeteredTenantFromThePricedSecond() {
        ProviderSnapshot bare = provider(1, "bare", List.of(key(11, "b1", 1)),
                new dev.switchboard.contracts.catalog.ModelSnapshot(101, "m-free", "m-free", null, null, null, true));
        CatalogIndex idx = catalog().providers(bare, openaiB)
                .pools(pool(5, "mixed", PoolSnapshot.PRIORITY, member(1, "m-free", 1, 1), member(2, "o3", 2, 1))).index();

        Resolution r = new Resolver(idx).resolve(metered("mixed"));

        assertThat(labels(r)).containsExactly("openai-b/o3/b1");
        assertThat(r.skipped()).extracting(Skip::provider, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bare", Skip.MODEL_NOT_PRICED));
        assertThat(r.unpriced()).isFalse();
    }

    @Test
    void aPricedCandidateThatIsCoolingMakesNoUnpricedRefusal() {
        ProviderSnapshot bare = provider(1, "bare", List.of(key(11, "b1", 1)),
                new dev.switchboard.contracts.catalog.ModelSnapshot(101, "m-free", "m-free", null, null, null, true));
        CatalogIndex idx = catalog().providers(bare, openaiB)
                .pools(pool(5, "mixed", PoolSnapshot.PRIORITY, member(1, "m-free", 1, 1), member(2, "o3", 2, 1))).index();
        Map<String, CooldownState> cds = Map.of("provider:2", new CooldownState("provider:2", NOW + 5_000, "overloaded", 1,
                "r", false));

        Resolution r = new Resolver(idx).resolve(new ResolveRequest("mixed", openGroup(), ProviderSnapshot.OPENAI, cds::get,
                HeadroomView.NONE, NOW, false, true));

        assertThat(r.candidates()).isEmpty();
        assertThat(skipReasons(r)).containsExactly(Skip.MODEL_NOT_PRICED, Skip.COOLING_DOWN);
        assertThat(r.unpriced()).as("the priced member is worth waiting for").isFalse();
    }

    // ---- cooldowns ----

    @Test
    void activeCooldownOnAnyScopeSkipsTheCandidateWithReasonAndTimeLeft() {
        CatalogIndex idx = catalog().providers(openaiA, openaiB).index();
        Map<String, CooldownState> cds = Map.of(
                "key_model:12:gpt-4o-2024-08-06", new CooldownState("key_model:12:gpt-4o-2024-08-06", NOW + 12_000,
                        "rate_limited", 1, "r1", true),
                "provider:2", new CooldownState("provider:2", NOW + 60_000, "overloaded", 2, "r2", false));

        Resolution r = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "openai", cds::get,
                HeadroomView.NONE, NOW));

        assertThat(labels(r)).containsExactly("openai-a/gpt-4o/a-small");
        assertThat(r.skipped()).filteredOn(s -> s.reason().equals("cooling_down"))
                .extracting(Skip::keyLabel, Skip::detail)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a-big", "rate_limited, 12s left (key_model:12:gpt-4o-2024-08-06)"),
                        org.assertj.core.groups.Tuple.tuple("b1", "overloaded, 60s left (provider:2)"));
    }

    @Test
    void expiredButUnclearedCooldownMakesTheCandidateAHalfOpenProbeOnTheBroadestScope() {
        CatalogIndex idx = catalog().providers(openaiB).index();
        Map<String, CooldownState> cds = Map.of(
                "key:21", new CooldownState("key:21", NOW - 1, "auth_failed", 1, "r1", false),
                "provider_model:2:gpt-4o", new CooldownState("provider_model:2:gpt-4o", NOW, "timeout", 3, "r1", false));

        Resolution r = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "openai", cds::get,
                HeadroomView.NONE, NOW));

        assertThat(r.candidates()).singleElement().extracting(Candidate::probeScope)
                .isEqualTo("provider_model:2:gpt-4o");
    }

    @Test
    void clearedEntryWithZeroDeadlineIsNoCooldown() {
        CatalogIndex idx = catalog().providers(openaiB).index();
        CooldownView view = scope -> new CooldownState(scope, 0, "cleared", 0, "r", false);

        Resolution r = new Resolver(idx).resolve(new ResolveRequest("gpt-4o", openGroup(), "openai", view,
                HeadroomView.NONE, NOW));

        assertThat(r.candidates()).singleElement().extracting(Candidate::probeScope).isNull();
    }

    @Test
    void cooldownScopesNameTheCandidate() {
        Candidate c = resolve(catalog().providers(openaiA).index(), "gpt-4o").candidates().get(0);

        assertThat(CooldownScope.all(c)).containsExactly("provider:1", "provider_model:1:gpt-4o-2024-08-06", "key:12",
                "key_model:12:gpt-4o-2024-08-06");
        assertThat(CooldownScope.Kind.KEY_MODEL.of(c)).isEqualTo(CooldownScope.keyModel(12, "gpt-4o-2024-08-06"));
        assertThat(c.label()).isEqualTo("openai-a/gpt-4o/a-big");
    }

    private ProviderSnapshot claudeAsOpenai() {
        return provider(9, "proxy", List.of(key(91, "k", 1)), model(901, "gpt-4o"));
    }
}
