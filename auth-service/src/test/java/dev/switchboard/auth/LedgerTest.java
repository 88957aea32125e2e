package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.ledger.LedgerConsumer;
import dev.switchboard.auth.ledger.LedgerLag;
import dev.switchboard.auth.repository.LedgerRepository;
import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.UsageIds;
import dev.switchboard.contracts.events.UsageEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage ledger: idempotent under duplicate delivery, reclaims what a crashed consumer left. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class LedgerTest {

    @Inject
    LedgerConsumer consumer;
    @Inject
    LedgerRepository ledger;
    @Inject
    dev.switchboard.auth.service.LedgerService ledgerService;
    @Inject
    RedisDataSource redis;
    @Inject
    RedisEntries entries;
    @Inject
    ObjectMapper mapper;
    @Inject
    LedgerLag lag;
    @Inject
    dev.switchboard.auth.store.UsageStreamStore streamStore;

    @BeforeEach
    void drainEarlierMessages() {
        // Leftovers of earlier runs are settled first, so each test sees only its own messages.
        for (int i = 0; i < 100 && consumer.pollOnce(Duration.ZERO) > 0; i++) {
            // bounded drain
        }
    }

    private UsageEvent event(long keyId, long userId, long groupId, String model, String cost, Instant at) {
        return new UsageEvent(Schema.EVENT, "req-" + UUID.randomUUID(), at.toEpochMilli(), keyId, userId, groupId, model,
                "coding-fast", "openai", model, 100, 50, new BigDecimal(cost), 200, 1, 350, 120L, UsageIds.newId());
    }

    private String add(UsageEvent e) throws Exception {
        return redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of(UsageEvent.FIELD, mapper.writeValueAsString(e)));
    }

    private BigDecimal balance(long userId) {
        return new BigDecimal(Api.admin().get("/admin/users/" + userId).then().statusCode(200).extract().jsonPath()
                .getString("balanceUsd"));
    }

    @Test
    void duplicateDeliveryWritesOnceAndDebitsOnce() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        var key = Api.createKey(user, group, Map.of());
        String hash = KeySecrets.sha256Hex(key.getString("key"));
        long versionBefore = entries.entry(hash).version();
        UsageEvent e = event(key.getLong("apiKey.id"), user, group, "gpt-4o", "1.25", Instant.now());
        add(e);
        add(e);

        consumer.pollOnce(Duration.ZERO);
        add(e); // a third copy, delivered in a later batch
        consumer.pollOnce(Duration.ZERO);

        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(e.usageId()))).isTrue();
        assertThat(balance(user)).isEqualByComparingTo("8.75");
        // The balance change is a user change: the key's snapshot shows it with a newer version.
        assertThat(entries.entry(hash).snapshot().user().balanceUsd()).isEqualByComparingTo("8.75");
        assertThat(entries.entry(hash).version()).isGreaterThan(versionBefore);
        Api.admin().get("/admin/keys/" + key.getLong("apiKey.id")).then().body("lastUsedAt", org.hamcrest.Matchers.notNullValue());
        assertThat(pendingOf(consumer.consumerName())).isZero();
    }

    @Test
    void fiftyRequestsSharingOneClientRequestIdWriteFiftyRowsAndFiftyDebits() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        String clientId = "same-" + UUID.randomUUID();
        for (int i = 0; i < 50; i++) {
            UsageEvent e = event(key, user, group, "gpt-4o", "0.01", Instant.now());
            add(new UsageEvent(e.v(), clientId, e.timestampMs(), e.apiKeyId(), e.userId(), e.groupId(), e.requestedModel(),
                    e.resolvedVia(), e.provider(), e.upstreamModel(), e.promptTokens(), e.completionTokens(), e.costUsd(),
                    e.status(), e.attempts(), e.latencyMs(), e.ttfbMs(), UsageIds.newId()));
        }
        for (int i = 0; i < 10 && consumer.pollOnce(Duration.ZERO) > 0; i++) {
            // drain
        }

        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.countByRequestId(clientId))).isEqualTo(50);
        assertThat(balance(user)).isEqualByComparingTo("9.50");
    }

    @Test
    void anEventWithoutAUsageIdIsKeyedByItsStreamEntryNotByTheClientRequestId() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        UsageEvent e = event(key, user, group, "gpt-4o", "1.00", Instant.now());
        UsageEvent old = new UsageEvent(e.v(), e.requestId(), e.timestampMs(), e.apiKeyId(), e.userId(), e.groupId(),
                e.requestedModel(), e.resolvedVia(), e.provider(), e.upstreamModel(), e.promptTokens(), e.completionTokens(),
                e.costUsd(), e.status(), e.attempts(), e.latencyMs(), e.ttfbMs(), null);
        add(old);
        add(old);
        consumer.pollOnce(Duration.ZERO);

        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.countByRequestId(e.requestId()))).isEqualTo(2);
        assertThat(balance(user)).isEqualByComparingTo("8.00");
    }

    @Test
    void settlingRemovesTheRelaysUnsettledSpendOnceAfterTheSnapshotShowsTheDebit() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        var key = Api.createKey(user, group, Map.of());
        String hash = KeySecrets.sha256Hex(key.getString("key"));
        UsageEvent e = event(key.getLong("apiKey.id"), user, group, "gpt-4o", "1.25", Instant.now());
        UsageEvent other = event(key.getLong("apiKey.id"), user, group, "gpt-4o", "0.50", Instant.now());
        // What the relay wrote when the requests finished (RedisScripts.RECORD_UNSETTLED).
        String unsettled = RedisKeys.userSpend(user);
        for (UsageEvent u : List.of(e, other)) {
            long micros = u.costUsd().movePointRight(6).longValueExact();
            redis.execute("EVAL", dev.switchboard.contracts.RedisScripts.RECORD_UNSETTLED, "1", unsettled, u.usageId(),
                    String.valueOf(micros), "600000");
        }
        assertThat(redis.hash(Long.class).hget(unsettled, RedisKeys.UNSETTLED_TOTAL)).isEqualTo(1_750_000L);

        add(e);
        add(e);
        consumer.pollOnce(Duration.ZERO);

        // The debited request left the unsettled hash exactly once; the other one still counts there.
        assertThat(redis.hash(Long.class).hget(unsettled, e.usageId())).isNull();
        assertThat(redis.hash(Long.class).hget(unsettled, other.usageId())).isEqualTo(500_000L);
        assertThat(redis.hash(Long.class).hget(unsettled, RedisKeys.UNSETTLED_TOTAL)).isEqualTo(500_000L);
        assertThat(entries.entry(hash).snapshot().user().balanceUsd()).isEqualByComparingTo("8.75");
    }

    @Test
    void concurrentSettlementsFromSeveralReplicasLoseNoDebit() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 100));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        ledgerService.record(UsageIds.newId(), event(key, user, group, "gpt-4o", "0.25", Instant.now()));
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance(user)).isEqualByComparingTo("90");
    }

    @Test
    void usersWithoutBalanceAreRecordedButNotDebited() throws Exception {
        long user = Api.createUser();
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        UsageEvent e = event(key, user, group, "gpt-4o", "2", Instant.now());
        add(e);
        consumer.pollOnce(Duration.ZERO);
        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(e.usageId()))).isTrue();
        Api.admin().get("/admin/users/" + user).then().body("balanceUsd", equalTo(null));
    }

    @Test
    void reclaimsWhatACrashedConsumerLeftPending() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 5));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        UsageEvent e = event(key, user, group, "claude-sonnet", "0.5", Instant.now());
        add(e);
        String crashed = "crashed-" + UUID.randomUUID();
        List<StreamMessage<String, String, String>> taken = redis.stream(String.class).xreadgroup(RedisKeys.USAGE_GROUP,
                crashed, RedisKeys.USAGE_STREAM, ">", new XReadGroupArgs().count(10));
        assertThat(taken).extracting(m -> m.payload().get(UsageEvent.FIELD)).anyMatch(j -> j.contains(e.requestId()));
        // The crashed consumer never acknowledges; the next poll of the live consumer does not see it.
        consumer.pollOnce(Duration.ZERO);
        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(e.usageId()))).isFalse();
        assertThat(pendingOf(crashed)).isEqualTo(taken.size());

        Thread.sleep(400); // reclaim-min-idle is 300 ms in tests
        assertThat(consumer.reclaimOnce()).isGreaterThanOrEqualTo(1);

        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(e.usageId()))).isTrue();
        assertThat(balance(user)).isEqualByComparingTo("4.5");
        assertThat(pendingOf(crashed)).isZero();
        redis.stream(String.class).xgroupDelConsumer(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, crashed);
    }

    @Test
    void messagesThatAreNotUsageEventsAreAcknowledgedAndSkipped() {
        redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of(UsageEvent.FIELD, "{not json"));
        redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of("other", "x"));
        assertThat(consumer.pollOnce(Duration.ZERO)).isEqualTo(2);
        assertThat(pendingOf(consumer.consumerName())).isZero();
    }

    private static UsageEvent withModel(UsageEvent e, String model) {
        return new UsageEvent(e.v(), e.requestId(), e.timestampMs(), e.apiKeyId(), e.userId(), e.groupId(), model,
                e.resolvedVia(), e.provider(), e.upstreamModel(), e.promptTokens(), e.completionTokens(), e.costUsd(),
                e.status(), e.attempts(), e.latencyMs(), e.ttfbMs(), e.usageId());
    }

    private String deadLetterReason(String messageId) {
        return QuarkusTransaction.requiringNew().call(() -> ledger.deadLetterReason(messageId));
    }

    @Test
    void eventsTheLedgerCanNeverStoreAreDeadLetteredAtOnceAndTheRestOfTheBatchIsSettled() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        String tooLong = add(withModel(event(key, user, group, "m", "1.00", Instant.now()), "m".repeat(300)));
        String nul = add(withModel(event(key, user, group, "m", "1.00", Instant.now()), "gpt\0-4o"));
        String junk = redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of(UsageEvent.FIELD, "{not json"));
        UsageEvent good = event(key, user, group, "gpt-4o", "0.25", Instant.now());
        add(good);

        consumer.pollOnce(Duration.ZERO);

        assertThat(deadLetterReason(tooLong)).isEqualTo("requestedModel is longer than 256 characters");
        assertThat(deadLetterReason(nul)).isEqualTo("requestedModel has control characters");
        assertThat(deadLetterReason(junk)).isEqualTo("not a usage event");
        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(good.usageId()))).isTrue();
        assertThat(balance(user)).isEqualByComparingTo("9.75");
        assertThat(pendingOf(consumer.consumerName())).isZero();
    }

    @Test
    void aMessageWhoseSettlementKeepsFailingIsDeadLetteredAfterMaxAttemptsWithoutHoldingBackOthers() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        // Year ~303 000, past timestamptz's 294 276: a well-formed event PostgreSQL refuses (timestamp out of range) every time.
        UsageEvent bad = event(key, user, group, "gpt-4o", "1.00", Instant.ofEpochMilli(9_500_000_000_000_000L));
        String badId = add(bad);
        UsageEvent good = event(key, user, group, "gpt-4o", "0.25", Instant.now());
        add(good);

        consumer.pollOnce(Duration.ZERO);
        assertThat(QuarkusTransaction.requiringNew().call(() -> ledger.exists(good.usageId()))).as("settled alone").isTrue();
        assertThat(deadLetterReason(badId)).isNull();
        assertThat(pendingOf(consumer.consumerName())).isEqualTo(1);

        for (int i = 0; i < 2; i++) { // max-attempts is 3 in tests
            Thread.sleep(400);
            consumer.reclaimOnce();
        }

        assertThat(deadLetterReason(badId)).startsWith("settlement failed: ").contains("SQL state 22008")
                .doesNotContain("INSERT").doesNotContain("usage_ledger");
        assertThat(pendingOf(consumer.consumerName())).isZero();
        assertThat(redis.hash(Long.class).hget(RedisKeys.USAGE_FAILURES, badId)).isNull();
        assertThat(balance(user)).isEqualByComparingTo("9.75");
    }

    @Test
    void usageReportGroupsAndTotals() throws Exception {
        long user = Api.createUser();
        long g1 = Api.createGroup();
        long key = Api.createKey(user, g1, Map.of()).getLong("apiKey.id");
        // A random minute far in the past, queried as a 3-minute window, keeps this run's rows apart from
        // every other test's and every earlier run's (the ledger persists between runs).
        long dayIndex = java.util.concurrent.ThreadLocalRandom.current().nextLong(0, 11_000); // 1990..2020
        long second = java.util.concurrent.ThreadLocalRandom.current().nextLong(0, 3_600);
        Instant day = Instant.parse("1990-01-01T10:00:00Z").plus(Duration.ofDays(dayIndex)).plusSeconds(second);
        add(event(key, user, g1, "gpt-4o", "1.5", day));
        add(event(key, user, g1, "gpt-4o", "0.5", day.plusSeconds(60)));
        add(event(key, user, g1, "claude-sonnet", "2", day.plusSeconds(120)));
        consumer.pollOnce(Duration.ZERO);
        String date = day.toString().substring(0, 10);
        String from = day.toString();
        String to = day.plusSeconds(180).toString();

        var byModel = given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?groupBy=model&from=" + from + "&to=" + to)
                .then().statusCode(200).extract().jsonPath();
        assertThat(byModel.getList("rows.key", String.class)).containsExactly("claude-sonnet", "gpt-4o");
        assertThat(byModel.getList("rows.requests", Integer.class)).containsExactly(1, 2);
        assertThat(byModel.getInt("totals.requests")).isEqualTo(3);
        assertThat(new BigDecimal(byModel.getString("totals.costUsd"))).isEqualByComparingTo("4");
        assertThat(byModel.getLong("totals.promptTokens")).isEqualTo(300);

        var byDay = given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?groupBy=day&from=" + from + "&to=" + to)
                .then().statusCode(200).extract().jsonPath();
        assertThat(byDay.getList("rows.key", String.class)).containsExactly(date);
        var byKey = given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?groupBy=key&from=" + from + "&to=" + to)
                .then().statusCode(200).extract().jsonPath();
        assertThat(byKey.getList("rows.key", String.class)).containsExactly(Long.toString(key));

        given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?groupBy=colour").then().statusCode(422);
        given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?from=yesterday").then().statusCode(422);
        given().auth().oauth2(Tokens.VIEWER).get("/admin/usage?from=2030-01-02&to=2030-01-01").then().statusCode(422);
    }

    private long pendingOf(String consumerName) {
        var summary = redis.stream(String.class).xpending(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP);
        Long n = summary.getConsumers().get(consumerName);
        return n == null ? 0 : n;
    }

    @Test
    void theLagCountsWhatTheGroupHasNotSettledYet() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 10));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        double before = lag.sampleOnce(Duration.ofSeconds(2));
        assertThat(before).isNotNaN();

        for (int i = 0; i < 3; i++) {
            add(event(key, user, group, "gpt-4o", "0.10", Instant.now()));
        }
        assertThat(lag.sampleOnce(Duration.ofSeconds(2))).isEqualTo(before + 3);
        assertThat(lag.value()).isEqualTo(before + 3);

        consumer.pollOnce(Duration.ZERO);
        assertThat(lag.sampleOnce(Duration.ofSeconds(2))).isEqualTo(before);
    }

    @Test
    void theLagIsUnknownWithoutTheStreamOrTheGroupOrAnAnswerInTime() {
        assertThat(streamStore.backlog("sb:usage:none-" + UUID.randomUUID(), RedisKeys.USAGE_GROUP, Duration.ofSeconds(2)))
                .isEmpty();
        assertThat(streamStore.backlog(RedisKeys.USAGE_STREAM, "no-such-group", Duration.ofSeconds(2))).isEmpty();

        long start = System.nanoTime();
        assertThat(lag.sampleOnce(Duration.ofNanos(1))).isNaN();
        assertThat(lag.value()).isNaN();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
}
