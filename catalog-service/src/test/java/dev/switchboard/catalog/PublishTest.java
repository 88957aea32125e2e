package dev.switchboard.catalog;

import static dev.switchboard.catalog.Api.admin;
import static dev.switchboard.catalog.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.repository.ProviderKeyRepository;
import dev.switchboard.catalog.store.CatalogStore;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.SecretBox;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What reaches Redis: after each kind of change, with a growing version, never an older one. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class PublishTest {

    @Inject
    RedisDataSource redis;

    @Inject
    CatalogStore store;

    @Inject
    ObjectMapper mapper;

    @Inject
    SecretBox secretBox;

    @Inject
    ProviderKeyRepository keys;

    private long storedVersion() {
        var r = redis.execute("GET", RedisKeys.CATALOG_VERSION);
        return r == null ? 0 : Long.parseLong(r.toString());
    }

    /** Waits (bounded) for a snapshot newer than {@code after} that satisfies the check. */
    private CatalogSnapshot awaitSnapshot(long after, Predicate<CatalogSnapshot> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        CatalogSnapshot last = null;
        while (System.nanoTime() < deadline) {
            var r = redis.execute("GET", RedisKeys.CATALOG_SNAPSHOT);
            if (r != null) {
                last = mapper.readValue(r.toString(), CatalogSnapshot.class);
                if (last.version() > after && check.test(last)) {
                    assertThat(storedVersion()).isGreaterThanOrEqualTo(last.version());
                    return last;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching snapshot newer than " + after + "; last version "
                + (last == null ? "none" : last.version()));
    }

    private static Optional<ProviderSnapshot> provider(CatalogSnapshot s, String name) {
        return s.providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Test
    void translationCanBeTurnedOffPerPoolAndPerClusterAndIsOnByDefault() throws Exception {
        long v0 = storedVersion();
        String pname = unique("pub-tr");
        long p = Api.createProvider(pname);
        String m = unique("pub-tr-m");
        Api.createModel(p, m);
        String pool = unique("pub-tr-pool");
        long poolId = Api.createPool(pool, pname, m);
        admin().get("/admin/pools/" + poolId).then().statusCode(200).body("translation", org.hamcrest.Matchers.equalTo(true));
        admin().body(Map.of("translation", "no")).patch("/admin/pools/" + poolId).then().statusCode(422);
        admin().body(Map.of("translation", false)).patch("/admin/pools/" + poolId).then().statusCode(200)
                .body("translation", org.hamcrest.Matchers.equalTo(false));
        String cluster = unique("pub-tr-cl");
        long clusterId = admin().body(Map.of("name", cluster, "translation", false,
                "members", java.util.List.of(Map.of("kind", "pool", "name", pool))))
                .post("/admin/clusters").then().statusCode(201).body("translation", org.hamcrest.Matchers.equalTo(false))
                .extract().jsonPath().getLong("id");

        CatalogSnapshot s = awaitSnapshot(v0, x -> x.pools().stream().anyMatch(pp -> pp.name().equals(pool) && !pp.translates())
                && x.clusters().stream().anyMatch(c -> c.name().equals(cluster) && !c.translates()));
        assertThat(s.pools()).filteredOn(pp -> pp.name().equals(pool)).singleElement()
                .satisfies(pp -> assertThat(pp.translation()).isFalse());
        admin().delete("/admin/clusters/" + clusterId).then().statusCode(204);
        admin().delete("/admin/providers/" + p + "?cascade=true").then().statusCode(204);
    }

    @Test
    void theResponsesApiFlagIsOffByDefaultSetForOpenAiOnlyAndPublished() throws Exception {
        long v0 = storedVersion();
        String pname = unique("pub-resp");
        long p = Api.createProvider(pname);
        admin().get("/admin/providers/" + p).then().statusCode(200).body("responsesApi", org.hamcrest.Matchers.equalTo(false));
        admin().body(Map.of("responsesApi", "yes")).patch("/admin/providers/" + p).then().statusCode(422);
        admin().body(Map.of("responsesApi", true)).patch("/admin/providers/" + p).then().statusCode(200)
                .body("responsesApi", org.hamcrest.Matchers.equalTo(true));
        admin().body(Map.of("name", unique("pub-resp-a"), "protocol", "anthropic", "baseUrl", "http://127.0.0.1:8090",
                "responsesApi", true)).post("/admin/providers").then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItem("responsesApi"));

        CatalogSnapshot s = awaitSnapshot(v0, x -> x.providers().stream().anyMatch(pp -> pp.name().equals(pname) && pp.responsesApi()));
        assertThat(s.providers()).filteredOn(pp -> pp.name().equals(pname)).singleElement()
                .satisfies(pp -> assertThat(pp.servesResponses()).isTrue());
        admin().delete("/admin/providers/" + p + "?cascade=true").then().statusCode(204);
    }

    @Test
    void timeoutsPrefillAndSameCandidateRetryArePublishedWithTheirDefaults() throws Exception {
        long v0 = storedVersion();
        String pname = unique("pub-fo");
        long p = Api.createProvider(pname);
        admin().get("/admin/providers/" + p).then().statusCode(200)
                .body("timeouts.firstTokenMs", org.hamcrest.Matchers.equalTo(30_000));
        String plain = unique("pub-fo-m");
        String noPrefill = unique("pub-fo-np");
        Api.createModel(p, plain);
        admin().body(Map.of("name", noPrefill, "prefill", false)).post("/admin/providers/" + p + "/models")
                .then().statusCode(201).body("prefill", org.hamcrest.Matchers.equalTo(false));
        String pool = unique("pub-fo-pool");
        long poolId = Api.createPool(pool, pname, plain);
        admin().body(Map.of("sameCandidateRetry", false, "timeouts", Map.of())).patch("/admin/pools/" + poolId)
                .then().statusCode(422); // timeouts is no pool field
        admin().body(Map.of("sameCandidateRetry", false)).patch("/admin/pools/" + poolId).then().statusCode(200)
                .body("sameCandidateRetry", org.hamcrest.Matchers.equalTo(false));
        admin().body(Map.of("timeouts", Map.of("firstTokenMs", 7_000))).patch("/admin/providers/" + p)
                .then().statusCode(200).body("timeouts.firstTokenMs", org.hamcrest.Matchers.equalTo(7_000))
                .body("timeouts.connectMs", org.hamcrest.Matchers.equalTo(5_000));

        CatalogSnapshot s = awaitSnapshot(v0, x -> provider(x, pname)
                .map(pp -> pp.timeouts().firstTokenMs() == 7_000 && pp.models().size() == 2).orElse(false)
                && x.pools().stream().anyMatch(pp -> pp.name().equals(pool) && !pp.retriesSameCandidate()));
        ProviderSnapshot ps = provider(s, pname).get();
        assertThat(ps.timeouts()).isEqualTo(new ProviderSnapshot.Timeouts(5_000, 60_000, 60_000, 7_000));
        assertThat(ps.models()).filteredOn(m -> m.name().equals(plain)).singleElement()
                .satisfies(m -> assertThat(m.prefill()).isNull());
        assertThat(ps.models()).filteredOn(m -> m.name().equals(noPrefill)).singleElement()
                .satisfies(m -> assertThat(m.prefill()).isFalse());
        admin().delete("/admin/providers/" + p + "?cascade=true").then().statusCode(204);
    }

    @Test
    void everyKindOfChangeIsPublishedWithAHigherVersion() throws Exception {
        long v0 = storedVersion();
        String pname = unique("pub-prov");
        long p = Api.createProvider(pname);
        CatalogSnapshot s1 = awaitSnapshot(v0, s -> provider(s, pname).isPresent());
        assertThat(provider(s1, pname).get().baseUrl()).isEqualTo("http://127.0.0.1:8090");

        admin().body(Map.of("timeouts", Map.of("firstByteMs", 1500), "failoverRules",
                List.of(Map.of("status", 403, "bodyContains", "region", "action", "stop", "reason", "geo"))))
                .patch("/admin/providers/" + p).then().statusCode(200);
        CatalogSnapshot s2 = awaitSnapshot(s1.version(), s -> provider(s, pname)
                .map(x -> x.timeouts().firstByteMs() == 1500 && !x.failoverRules().isEmpty()).orElse(false));
        var rule = provider(s2, pname).get().failoverRules().get(0);
        assertThat(rule.status()).isEqualTo(403);
        assertThat(rule.bodyContains()).isEqualTo("region");
        assertThat(rule.action()).isEqualTo("stop");
        assertThat(rule.scope()).isEqualTo("none");
        assertThat(rule.reason()).isEqualTo("geo");

        long keyId = Api.createKey(p, "primary", "sk-publish-key-00000042");
        CatalogSnapshot s3 = awaitSnapshot(s2.version(), s -> provider(s, pname).map(x -> !x.keys().isEmpty()).orElse(false));
        var key = provider(s3, pname).get().keys().get(0);
        assertThat(key.id()).isEqualTo(keyId);
        assertThat(key.last4()).isEqualTo("0042");
        assertThat(key.rpm()).isEqualTo(60);
        assertThat(key.weight()).isEqualTo(2);
        assertThat(secretBox.open(key.secretCiphertext())).isEqualTo("sk-publish-key-00000042");

        String model = unique("pub-model");
        Api.createModel(p, model);
        CatalogSnapshot s4 = awaitSnapshot(s3.version(), s -> provider(s, pname).map(x -> !x.models().isEmpty()).orElse(false));
        var m = provider(s4, pname).get().models().get(0);
        assertThat(m.name()).isEqualTo(model);
        assertThat(m.upstreamName()).isEqualTo(model + "-upstream");
        assertThat(m.contextWindow()).isEqualTo(128000);
        assertThat(m.inputPricePerMTok()).isEqualByComparingTo("2.5");

        String pool = unique("pub-pool");
        Api.createPool(pool, pname, model);
        CatalogSnapshot s5 = awaitSnapshot(s4.version(), s -> s.pools().stream().anyMatch(x -> x.name().equals(pool)));
        PoolSnapshot ps = s5.pools().stream().filter(x -> x.name().equals(pool)).findFirst().get();
        assertThat(ps.members()).containsExactly(new PoolSnapshot.Member(p, model, 0, 1, true));

        String cluster = unique("pub-cluster");
        Api.createCluster(cluster, List.of(Map.of("name", pool), Map.of("name", model)));
        CatalogSnapshot s6 = awaitSnapshot(s5.version(), s -> s.clusters().stream().anyMatch(x -> x.name().equals(cluster)));
        ClusterSnapshot cs = s6.clusters().stream().filter(x -> x.name().equals(cluster)).findFirst().get();
        assertThat(cs.members()).containsExactly(new ClusterSnapshot.Member("pool", pool),
                new ClusterSnapshot.Member("model", model));

        String pattern = unique("pub") + "-*";
        long routeId = Api.createRoute(pattern, "cluster", cluster);
        CatalogSnapshot s7 = awaitSnapshot(s6.version(), s -> s.routes().stream().anyMatch(x -> x.id() == routeId));
        RouteSnapshot rs = s7.routes().stream().filter(x -> x.id() == routeId).findFirst().get();
        assertThat(rs).isEqualTo(new RouteSnapshot(routeId, pattern, "cluster", cluster, 100, true, routeId));

        admin().body(Map.of("enabled", false)).patch("/admin/routes/" + routeId).then().statusCode(200);
        awaitSnapshot(s7.version(), s -> s.routes().stream().anyMatch(x -> x.id() == routeId && !x.enabled()));

        admin().delete("/admin/providers/" + p + "?cascade=true").then().statusCode(204);
        CatalogSnapshot s9 = awaitSnapshot(s7.version(), s -> provider(s, pname).isEmpty());
        // the route targets the cluster, which survives with its pool; only the model member went
        assertThat(s9.routes()).anyMatch(x -> x.id() == routeId);
        assertThat(s9.clusters().stream().filter(x -> x.name().equals(cluster)).findFirst().get().members())
                .containsExactly(new ClusterSnapshot.Member("pool", pool));
    }

    @Test
    void burstOfChangesEndsWithTheLastOnePublished() throws Exception {
        long v0 = storedVersion();
        String pname = unique("burst-prov");
        long p = Api.createProvider(pname);
        for (int i = 1; i <= 15; i++) {
            admin().body(Map.of("timeouts", Map.of("connectMs", 1000 + i))).patch("/admin/providers/" + p)
                    .then().statusCode(200);
        }
        awaitSnapshot(v0, s -> provider(s, pname).map(x -> x.timeouts().connectMs() == 1015).orElse(false));
    }

    @Test
    void anOlderVersionNeverOverwritesANewerOne() throws Exception {
        long current = admin().post("/admin/catalog/publish").then().statusCode(200).extract().jsonPath().getLong("version");
        long stored = storedVersion();
        assertThat(stored).isGreaterThanOrEqualTo(current);
        String before = redis.execute("GET", RedisKeys.CATALOG_SNAPSHOT).toString();

        assertThat(store.publishIfNewer(stored - 1, "{\"stale\":true}", "{\"version\":0}")).isFalse();
        assertThat(store.publishIfNewer(stored, "{\"stale\":true}", "{\"version\":0}")).isFalse();

        assertThat(storedVersion()).isEqualTo(stored);
        assertThat(redis.execute("GET", RedisKeys.CATALOG_SNAPSHOT).toString()).isEqualTo(before);
    }

    @Test
    void periodicCheckRepublishesADeletedSnapshot() throws Exception {
        admin().post("/admin/catalog/publish").then().statusCode(200);
        long v = storedVersion();
        redis.execute("DEL", RedisKeys.CATALOG_SNAPSHOT);
        CatalogSnapshot healed = awaitSnapshot(v, s -> true);
        assertThat(healed.v()).isEqualTo(1);

        long v2 = storedVersion();
        redis.execute("DEL", RedisKeys.CATALOG_SNAPSHOT, RedisKeys.CATALOG_VERSION);
        awaitSnapshot(v2, s -> true);
    }

    @Test
    void routeViewsShowHitsCountedByRelays() {
        String pname = unique("hits-prov");
        Api.createProvider(pname);
        long hot = Api.createRoute(unique("hot") + "-*", "provider", pname);
        long cold = Api.createRoute(unique("cold") + "-*", "provider", pname);
        // what a relay does when it routes a request through a route
        redis.execute("HINCRBY", RedisKeys.ROUTE_HITS, Long.toString(hot), "17");
        admin().get("/admin/routes/" + hot).then().statusCode(200).body("hits", org.hamcrest.Matchers.equalTo(17));
        admin().get("/admin/routes/" + cold).then().statusCode(200).body("hits", org.hamcrest.Matchers.equalTo(0));
        var page = admin().get("/admin/routes?size=500&page=" + ((hot - 1) / 500)).then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.findAll { it.id == " + hot + " }.hits")).containsExactly(17);
        redis.execute("HDEL", RedisKeys.ROUTE_HITS, Long.toString(hot));
    }

    @Test
    void rotationReSealsSecretsOfANonActiveDataKey() throws Exception {
        long p = Api.createProvider(unique("rot-prov"));
        long keyId = Api.createKey(p, "legacy", "sk-rotate-me-12345678");
        // seal as a deployment with the "old" key active would have done
        SecretBox old = SecretBox.fromSpec(
                "old:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            dev.switchboard.catalog.entity.ProviderKey k = keys.findById(keyId);
            k.secretCiphertext = old.seal("sk-rotate-me-12345678");
        });
        admin().get("/admin/providers/" + p + "/keys/" + keyId).then().body("dataKeyId", org.hamcrest.Matchers.equalTo("old"));

        long before = storedVersion();
        admin().post("/admin/provider-keys/rotate-encryption").then().statusCode(200)
                .body("resealed", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        admin().get("/admin/providers/" + p + "/keys/" + keyId).then().body("dataKeyId", org.hamcrest.Matchers.equalTo("test"));
        // A publish queued by the key's creation may land after `before` still carrying the old
        // ciphertext: wait for the one that carries the re-sealed key (it fails if none is published).
        CatalogSnapshot s = awaitSnapshot(before, x -> x.providers().stream().anyMatch(pr -> pr.id() == p
                && pr.keys().get(0).secretCiphertext().startsWith("test:")));
        String sealed = s.providers().stream().filter(pr -> pr.id() == p).findFirst().get().keys().get(0).secretCiphertext();
        assertThat(sealed).startsWith("test:");
        assertThat(secretBox.open(sealed)).isEqualTo("sk-rotate-me-12345678");
    }
}
