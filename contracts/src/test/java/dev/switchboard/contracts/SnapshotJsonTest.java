package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import dev.switchboard.contracts.events.AuthEvent;
import dev.switchboard.contracts.events.CatalogEvent;
import dev.switchboard.contracts.events.CooldownEvent;
import dev.switchboard.contracts.events.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

    /** Configured as the services' mappers are (Quarkus registers the JavaTimeModule). */
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static ApiKeySnapshot keySnapshot() {
        Map<String, List<String>> routing = new LinkedHashMap<>();
        routing.put("claude-*", List.of("coding-fast", "provider:anthropic-main"));
        routing.put("*", List.of("default-pool"));
        GroupSnapshot group = new GroupSnapshot(7, "team-a", "any", "active", "monthly", new BigDecimal("1.5"),
                new BigDecimal("10.00"), null, new BigDecimal("200.00"), List.of("gpt-*", "claude-*"), 8L,
                routing, true, 41);
        GroupSnapshot fallback = new GroupSnapshot(8, "team-a-overflow", "openai", "active", null, BigDecimal.ONE,
                null, null, null, List.of(), null, Map.of(), false, 12);
        UserSnapshot user = new UserSnapshot(3, "ada", "active", "user", new BigDecimal("25.50"), 4, 40);
        return new ApiKeySnapshot(Schema.AUTH, 42, 99, "ci", "sk-sb-AbCdEf", 3, 7, ApiKeySnapshot.ACTIVE,
                Instant.parse("2027-01-01T00:00:00Z"), List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.6.6.6/32"),
                600, user, group, List.of(fallback));
    }

    static CatalogSnapshot catalog() {
        ProviderSnapshot openai = new ProviderSnapshot(1, "openai-a", ProviderSnapshot.OPENAI, "https://api.openai.com",
                true, new ProviderSnapshot.Timeouts(2000, 30000, 15000), Map.of("x-org", "acme"),
                List.of(new ProviderKeySnapshot(11, "primary", "k1:AAAA", "wxyz", 500, 90000, 3, true),
                        new ProviderKeySnapshot(12, "backup", "k1:BBBB", "abcd", null, null, 1, false)),
                List.of(new ModelSnapshot(21, "gpt-4o", "gpt-4o-2024-08-06", 128000, new BigDecimal("2.50"),
                        new BigDecimal("10.00"), true)),
                List.of(new FailoverRule(400, "content_filter", "retry", "provider_model", 60L, "content_filter")));
        PoolSnapshot pool = new PoolSnapshot(31, "gpt4-pool", PoolSnapshot.WEIGHTED, true,
                List.of(new PoolSnapshot.Member(1, "gpt-4o", 0, 3, true)));
        ClusterSnapshot cluster = new ClusterSnapshot(41, "coding-fast", true,
                List.of(new ClusterSnapshot.Member(ClusterSnapshot.POOL, "gpt4-pool"),
                        new ClusterSnapshot.Member(ClusterSnapshot.MODEL, "gpt-4o")));
        RouteSnapshot route = new RouteSnapshot(51, "gpt-4*", RouteSnapshot.POOL, "gpt4-pool", 0, true, 1);
        return new CatalogSnapshot(Schema.CATALOG, 1234, Instant.parse("2026-11-21T12:00:00Z"), List.of(openai),
                List.of(pool), List.of(cluster), List.of(route));
    }

    @Test
    void authCacheEntryRoundTrips() throws Exception {
        AuthCacheEntry entry = AuthCacheEntry.found(keySnapshot());
        String json = mapper.writeValueAsString(entry);
        assertThat(mapper.readValue(json, AuthCacheEntry.class)).isEqualTo(entry);
        assertThat(json).contains("\"v\":1").contains("\"version\":42").contains("\"notFound\":false");
    }

    @Test
    void negativeEntryRoundTrips() throws Exception {
        AuthCacheEntry entry = AuthCacheEntry.notFound(0);
        AuthCacheEntry back = mapper.readValue(mapper.writeValueAsString(entry), AuthCacheEntry.class);
        assertThat(back.notFound()).isTrue();
        assertThat(back.snapshot()).isNull();
    }

    @Test
    void routingMapKeepsTheOperatorsOrder() throws Exception {
        ApiKeySnapshot back = mapper.readValue(mapper.writeValueAsString(keySnapshot()), ApiKeySnapshot.class);
        assertThat(back.group().modelRouting().keySet()).containsExactly("claude-*", "*");
        assertThat(back.group().modelRouting().get("claude-*")).containsExactly("coding-fast", "provider:anthropic-main");
    }

    @Test
    void catalogSnapshotRoundTrips() throws Exception {
        CatalogSnapshot c = catalog();
        assertThat(mapper.readValue(mapper.writeValueAsString(c), CatalogSnapshot.class)).isEqualTo(c);
    }

    @Test
    void eventsRoundTrip() throws Exception {
        List<Object> events = List.of(new AuthEvent(AuthEvent.KEY, 9, 77, List.of("ab12")), new CatalogEvent(5),
                new CooldownEvent("key_model:11:gpt-4o", 1_800_000_000_000L, "rate_limited", "relay-1"),
                new UsageEvent(Schema.EVENT, "req-1", 1_700_000_000_000L, 99, 3, 7, "coding-fast", "cluster:coding-fast",
                        "openai-a", "gpt-4o-2024-08-06", 12, 34, new BigDecimal("0.00037500"), 200, 2, 350, 120L, UsageIds.newId()));
        for (Object e : events) {
            assertThat(mapper.readValue(mapper.writeValueAsString(e), e.getClass())).isEqualTo(e);
        }
    }

    @Test
    void olderReaderIgnoresFieldsAddedByANewerWriter() throws Exception {
        // exact decimals in the tree, so the comparison below sees what a reader of the raw JSON sees
        ObjectMapper treeMapper = mapper.copy().setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        ObjectNode tree = (ObjectNode) treeMapper.readTree(mapper.writeValueAsString(AuthCacheEntry.found(keySnapshot())));
        tree.put("futureTopLevel", "x");
        ObjectNode snap = (ObjectNode) tree.get("snapshot");
        snap.putObject("futureObject").put("a", 1);
        ((ObjectNode) snap.get("group")).putArray("futureList").add(1);
        ((ObjectNode) snap.get("user")).put("futureFlag", true);
        AuthCacheEntry back = mapper.readValue(tree.toString(), AuthCacheEntry.class);
        assertThat(back).isEqualTo(AuthCacheEntry.found(keySnapshot()));

        ObjectNode cat = (ObjectNode) treeMapper.readTree(mapper.writeValueAsString(catalog()));
        cat.put("v", 2);
        ((ObjectNode) cat.get("providers").get(0)).put("region", "eu");
        ((ObjectNode) cat.get("providers").get(0).get("keys").get(0)).put("org", "o-1");
        ((ObjectNode) cat.get("pools").get(0).get("members").get(0)).put("maxTokens", 10);
        ((ObjectNode) cat.get("routes").get(0)).put("description", "new");
        CatalogSnapshot back2 = mapper.readValue(cat.toString(), CatalogSnapshot.class);
        assertThat(back2.providers().get(0).keys().get(0).label()).isEqualTo("primary");
        assertThat(back2.routes()).isEqualTo(catalog().routes());
    }

    @Test
    void missingCollectionsReadAsEmpty() throws Exception {
        CatalogSnapshot c = mapper.readValue("{\"v\":1,\"version\":3}", CatalogSnapshot.class);
        assertThat(c.providers()).isEmpty();
        assertThat(c.routes()).isEmpty();
        ProviderSnapshot p = mapper.readValue("{\"id\":1,\"name\":\"p\",\"protocol\":\"openai\"}", ProviderSnapshot.class);
        assertThat(p.timeouts()).isEqualTo(ProviderSnapshot.Timeouts.DEFAULT);
        assertThat(p.keys()).isEmpty();
    }

    @Test
    void documentsOfTheFirstFailoverContractReadWithTheNewDefaults() throws Exception {
        ProviderSnapshot p = mapper.readValue("""
                {"id":1,"name":"p","protocol":"anthropic","timeouts":{"connectMs":2000,"firstByteMs":30000,"idleMs":15000},
                 "models":[{"id":3,"name":"claude","upstreamName":"claude","enabled":true}]}""", ProviderSnapshot.class);
        PoolSnapshot pool = mapper.readValue("{\"id\":1,\"name\":\"x\",\"strategy\":\"priority\",\"enabled\":true}",
                PoolSnapshot.class);

        assertThat(p.timeouts()).isEqualTo(new ProviderSnapshot.Timeouts(2000, 30000, 15000, 30000));
        assertThat(p.models().get(0).prefill()).isNull();
        assertThat(p.models().get(0).acceptsPrefill(p.protocol())).isTrue();
        assertThat(p.models().get(0).acceptsPrefill(ProviderSnapshot.OPENAI)).isFalse();
        assertThat(pool.retriesSameCandidate()).isTrue();
    }

    @Test
    void theResponsesApiFlagRoundTripsAndReadsFalseFromOlderWriters() throws Exception {
        ProviderSnapshot p = new ProviderSnapshot(1, "o", ProviderSnapshot.OPENAI, "http://x", true, null, null, null,
                null, null, true);
        ProviderSnapshot back = mapper.readValue(mapper.writeValueAsString(p), ProviderSnapshot.class);
        ProviderSnapshot old = mapper.readValue("{\"id\":1,\"name\":\"p\",\"protocol\":\"openai\"}", ProviderSnapshot.class);

        assertThat(back.responsesApi()).isTrue();
        assertThat(back.servesResponses()).isTrue();
        assertThat(old.responsesApi()).isFalse();
        assertThat(new ProviderSnapshot(2, "a", ProviderSnapshot.ANTHROPIC, "http://x", true, null, null, null, null,
                null, true).servesResponses()).isFalse();
    }

    @Test
    void theDefaultPriceRoundTripsAndReadsAsNoneFromOlderWriters() throws Exception {
        ProviderSnapshot p = new ProviderSnapshot(1, "o", ProviderSnapshot.OPENAI, "http://x", true, null, null, null,
                null, null, false, new Price(new java.math.BigDecimal("0.5"), new java.math.BigDecimal("1.25")));
        ProviderSnapshot back = mapper.readValue(mapper.writeValueAsString(p), ProviderSnapshot.class);
        ProviderSnapshot old = mapper.readValue("{\"id\":1,\"name\":\"p\",\"protocol\":\"openai\"}", ProviderSnapshot.class);
        Price oneSided = mapper.readValue("{\"inputPricePerMTok\":2}", Price.class);

        assertThat(back.defaultPrice()).isEqualTo(p.defaultPrice());
        assertThat(old.defaultPrice()).isNull();
        assertThat(oneSided.outputPricePerMTok()).isZero();
        assertThat(Price.of(new ModelSnapshot(3, "m", "m", null, null, null, true))).isNull();
        assertThat(Price.of(new ModelSnapshot(3, "m", "m", null, null, java.math.BigDecimal.TEN, true)).inputPricePerMTok())
                .isZero();
    }

    @Test
    void theNewFailoverFieldsRoundTrip() throws Exception {
        ModelSnapshot m = new ModelSnapshot(3, "gpt", "gpt", 8192, null, null, true, true);
        PoolSnapshot pool = new PoolSnapshot(1, "x", "priority", true, List.of(), false);
        ProviderSnapshot.Timeouts t = new ProviderSnapshot.Timeouts(1000, 2000, 3000, 4000);

        assertThat(mapper.readValue(mapper.writeValueAsString(m), ModelSnapshot.class)).isEqualTo(m);
        assertThat(mapper.readValue(mapper.writeValueAsString(pool), PoolSnapshot.class).retriesSameCandidate()).isFalse();
        assertThat(mapper.readValue(mapper.writeValueAsString(t), ProviderSnapshot.Timeouts.class)).isEqualTo(t);
        assertThat(m.acceptsPrefill(ProviderSnapshot.OPENAI)).isTrue();
    }

    @Test
    void redisKeysUseTheSharedPrefix() {
        assertThat(RedisKeys.authKey("ab")).isEqualTo("sb:auth:key:ab");
        assertThat(RedisKeys.cooldown("key:1")).isEqualTo("sb:{cd}:key:1");
        assertThat(List.of(RedisKeys.AUTH_EVENTS, RedisKeys.AUTH_EPOCH, RedisKeys.CATALOG_SNAPSHOT,
                RedisKeys.CATALOG_VERSION, RedisKeys.CATALOG_EVENTS, RedisKeys.COOLDOWN_EVENTS, RedisKeys.USAGE_STREAM,
                RedisKeys.rateWindow(1, 2), RedisKeys.concurrency(1), RedisKeys.groupSpend(1, "day:2026-11-21"),
                RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, "b1"), RedisKeys.batchMarker(RedisKeys.userSpend(1), "b1")))
                .allMatch(k -> k.startsWith(RedisKeys.PREFIX));
    }
}
