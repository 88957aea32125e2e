package dev.switchboard.relay.usage;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.id;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.store.LimitStore;
import dev.switchboard.relay.store.UsageStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UsageRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SECRET_CIPHERTEXT = "1:c2VjcmV0LWNpcGhlcnRleHQ=";

    @Inject
    UsageRecorder recorder;
    @Inject
    UsageStore store;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    static Candidate candidate() {
        ModelSnapshot model = new ModelSnapshot(id(), "gpt-4o", "gpt-4o-2024-08-06", 128_000, new BigDecimal("2.50"),
                new BigDecimal("10.00"), true);
        ProviderKeySnapshot pk = new ProviderKeySnapshot(id(), "primary", SECRET_CIPHERTEXT, "wxyz", 100, 10_000, 1, true);
        ProviderSnapshot provider = new ProviderSnapshot(id(), "openai-a", "openai", "http://127.0.0.1:1", true, null, null,
                List.of(pk), List.of(model), List.of());
        return new Candidate(provider, "gpt-4o", "gpt-4o-2024-08-06", model, pk, "pool:gpt4 > openai-a", null);
    }

    private long counter(String key) {
        Long v = redis.value(Long.class).get(key);
        return v == null ? 0 : v;
    }

    private UsageEvent findEvent(String requestId) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            Response entries = redis.execute("XREVRANGE", RedisKeys.USAGE_STREAM, "+", "-", "COUNT", "1000");
            for (Response entry : entries) {
                Response fields = entry.get(1);
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    if (UsageEvent.FIELD.equals(fields.get(i).toString())) {
                        String json = fields.get(i + 1).toString();
                        assertThat(json).doesNotContain(SECRET_CIPHERTEXT);
                        UsageEvent e = mapper.readValue(json, UsageEvent.class);
                        if (requestId.equals(e.requestId())) {
                            return e;
                        }
                    }
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    @Test
    void recordsEventAndSpendCountersWithTheMultiplier() throws Exception {
        GroupSnapshot fallback = group(id(), "fallback", new BigDecimal("1.5"), null, null, null);
        ApiKeySnapshot key = key(null, null, new BigDecimal("20"), group(new BigDecimal("1"), null, null), fallback);
        String rid = "req-" + UUID.randomUUID();
        Candidate served = candidate();
        Instant at = Instant.now();

        recorder.record(new UsageRecord(rid, key, fallback, "coding-fast", "cluster:coding-fast > pool:gpt4 > openai-a",
                served, 1_200, 350, 200, 2, 840, 120L));
        assertThat(recorder.flushAll().await().atMost(WAIT)).as("nothing left unwritten").isZero();

        UsageEvent e = findEvent(rid);
        assertThat(e).isNotNull();
        assertThat(e.v()).isEqualTo(1);
        assertThat(e.apiKeyId()).isEqualTo(key.apiKeyId());
        assertThat(e.userId()).isEqualTo(key.userId());
        assertThat(e.groupId()).as("billed under the effective group").isEqualTo(fallback.id());
        assertThat(e.requestedModel()).isEqualTo("coding-fast");
        assertThat(e.resolvedVia()).isEqualTo("cluster:coding-fast > pool:gpt4 > openai-a");
        assertThat(e.provider()).isEqualTo("openai-a");
        assertThat(e.upstreamModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(e.promptTokens()).isEqualTo(1_200);
        assertThat(e.completionTokens()).isEqualTo(350);
        assertThat(e.costUsd()).isEqualByComparingTo("0.00975"); // 0.0065 × 1.5
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.latencyMs()).isEqualTo(840);
        assertThat(e.ttfbMs()).isEqualTo(120L);
        assertThat(e.timestampMs()).isBetween(at.toEpochMilli() - 1000, System.currentTimeMillis());

        for (SpendPeriod p : SpendPeriod.values()) {
            assertThat(counter(RedisKeys.groupSpend(fallback.id(), p.id(at)))).as(p.name()).isEqualTo(9_750);
            assertThat(counter(RedisKeys.groupSpend(key.groupId(), p.id(at)))).isZero();
            Long ttl = redis.key().ttl(RedisKeys.groupSpend(fallback.id(), p.id(at)));
            long periodLeft = Duration.between(Instant.now(), p.end(at)).toSeconds();
            assertThat(ttl).as("counter outlives its period").isGreaterThan(periodLeft);
        }
        assertThat(counter(UsageStore.userPeriodSpend(key.userId(), SpendPeriod.DAY.id(at)))).isEqualTo(9_750);
        assertThat(counter(UsageStore.userPeriodSpend(key.userId(), SpendPeriod.MONTH.id(at)))).isEqualTo(9_750);
        String unsettled = RedisKeys.userSpend(key.userId());
        assertThat(redis.hash(Long.class).hget(unsettled, e.usageId())).as("keyed by the usage id").isEqualTo(9_750L);
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(9_750L);
    }

    @Test
    void settlementRemovesUnsettledSpendExactlyOnce() {
        ApiKeySnapshot key = key(null, null, new BigDecimal("5"), group(null, null, null));
        Candidate served = candidate();
        String r1 = "req-" + UUID.randomUUID();
        String r2 = "req-" + UUID.randomUUID();
        UsageEvent first = recorder.recordAndWait(
                new UsageRecord(r1, key, key.group(), "gpt-4o", "model:gpt-4o", served, 1_000_000, 0, 200, 1, 10, 5L))
                .await().atMost(WAIT);
        UsageEvent second = recorder.recordAndWait(
                new UsageRecord(r2, key, key.group(), "gpt-4o", "model:gpt-4o", served, 0, 100_000, 200, 1, 10, 5L))
                .await().atMost(WAIT);
        String unsettled = RedisKeys.userSpend(key.userId());
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(2_500_000L + 1_000_000L);

        assertThat(store.settle(key.userId(), first.usageId()).await().atMost(WAIT)).isEqualTo(2_500_000L);
        assertThat(store.settle(key.userId(), first.usageId()).await().atMost(WAIT)).as("redelivery settles nothing").isZero();
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(1_000_000L);
        assertThat(store.settle(key.userId(), second.usageId()).await().atMost(WAIT)).isEqualTo(1_000_000L);
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isZero();
    }

    @Test
    void fiftyRequestsSharingOneClientRequestIdAreFiftyUsageEventsAndFiftyUnsettledCosts() throws Exception {
        ApiKeySnapshot key = key(null, null, new BigDecimal("5"), group(null, null, null));
        Candidate served = candidate();
        String clientId = "same-" + UUID.randomUUID();
        for (int i = 0; i < 50; i++) {
            recorder.record(new UsageRecord(clientId, key, key.group(), "gpt-4o", "model:gpt-4o", served, 1_000, 0, 200, 1, 3, 1L));
        }
        assertThat(recorder.flushAll().await().atMost(WAIT)).isZero();

        java.util.Set<String> usageIds = new java.util.HashSet<>();
        Response entries = redis.execute("XREVRANGE", RedisKeys.USAGE_STREAM, "+", "-", "COUNT", "2000");
        for (Response entry : entries) {
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (UsageEvent.FIELD.equals(fields.get(i).toString())) {
                    UsageEvent e = mapper.readValue(fields.get(i + 1).toString(), UsageEvent.class);
                    if (clientId.equals(e.requestId())) {
                        usageIds.add(e.usageId());
                    }
                }
            }
        }
        assertThat(usageIds).hasSize(50).doesNotContainNull();
        String unsettled = RedisKeys.userSpend(key.userId());
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(50 * 2_500L);
    }

    @Test
    void failedRequestWithoutUpstreamIsRecordedAtZeroCost() throws Exception {
        ApiKeySnapshot key = key(null, null, new BigDecimal("5"), group(new BigDecimal("1"), null, null));
        String rid = "req-" + UUID.randomUUID();
        UsageEvent e = recorder.recordAndWait(new UsageRecord(rid, key, key.group(), "nope", null, null, 0, 0, 503, 0, 3, null))
                .await().atMost(WAIT);
        assertThat(e.costUsd()).isEqualByComparingTo("0");
        UsageEvent stored = findEvent(rid);
        assertThat(stored).isNotNull();
        assertThat(stored.status()).isEqualTo(503);
        assertThat(stored.provider()).isNull();
        assertThat(stored.ttfbMs()).isNull();
        assertThat(counter(RedisKeys.groupSpend(key.groupId(), SpendPeriod.DAY.id(Instant.now())))).isZero();
        assertThat(redis.key().exists(RedisKeys.userSpend(key.userId()))).isFalse();
    }

    @Test
    void userWithoutMeteredBalanceGetsNoUnsettledSpend() {
        ApiKeySnapshot key = key(null, null, null, group(null, null, null));
        recorder.recordAndWait(new UsageRecord("req-" + UUID.randomUUID(), key, key.group(), "gpt-4o", "model:gpt-4o", candidate(),
                100, 100, 200, 1, 10, 5L)).await().atMost(WAIT);
        assertThat(redis.key().exists(RedisKeys.userSpend(key.userId()))).isFalse();
        assertThat(counter(RedisKeys.groupSpend(key.groupId(), SpendPeriod.DAY.id(Instant.now())))).isEqualTo(1_250);
    }

    @Test
    void manyRequestsAreWrittenInFewBatchesWithSummedCounters() {
        GroupSnapshot g = group(null, null, null);
        ApiKeySnapshot key = key(null, null, new BigDecimal("100"), g);
        Candidate served = candidate();
        double before = batches();
        for (int i = 0; i < 300; i++) {
            recorder.record(new UsageRecord("req-" + UUID.randomUUID(), key, g, "gpt-4o", "model:gpt-4o", served, 1_000, 0, 200, 1, 3, 1L));
        }
        assertThat(recorder.flushAll().await().atMost(WAIT)).isZero();
        assertThat(batches() - before).as("batches, not one round trip per request").isLessThanOrEqualTo(10);
        Instant now = Instant.now();
        assertThat(counter(RedisKeys.groupSpend(g.id(), SpendPeriod.DAY.id(now)))).isEqualTo(300 * 2_500L);
        assertThat(counter(UsageStore.userPeriodSpend(key.userId(), SpendPeriod.MONTH.id(now)))).isEqualTo(300 * 2_500L);
        assertThat(counter(UsageStore.minuteRequests(key.userId(), key.apiKeyId(), System.currentTimeMillis() / 60_000))
                + counter(UsageStore.minuteRequests(key.userId(), key.apiKeyId(), System.currentTimeMillis() / 60_000 - 1))).isEqualTo(300);
        String unsettled = RedisKeys.userSpend(key.userId());
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(300 * 2_500L);
        assertThat(redis.hash(String.class).hlen(unsettled)).isEqualTo(301);
    }

    @Test
    void aBatchSentAgainAfterALostReplyCountsOnce() throws Exception {
        long groupId = id();
        long userId = id();
        String rid = "req-" + UUID.randomUUID();
        String counterKey = RedisKeys.groupSpend(groupId, SpendPeriod.DAY.id(Instant.now()));
        UsageEvent event = new UsageEvent(1, rid, System.currentTimeMillis(), id(), userId, groupId, "m", null, null, null, 1, 1,
                new BigDecimal("0.000007"), 200, 1, 3, null, rid);
        UsageStore.Batch batch = new UsageStore.Batch()
                .counter(counterKey, 7, Instant.now().getEpochSecond() + 600)
                .unsettled(userId, rid, 7)
                .event(event.usageId(), rid, UsageJson.write(event))
                .seal("test-" + UUID.randomUUID(), 600, 600, 1_000_000, 600_000);
        assertThat(store.write(batch).await().atMost(WAIT)).isTrue();
        assertThat(store.write(batch).await().atMost(WAIT)).as("second delivery recognised").isFalse();
        assertThat(counter(counterKey)).isEqualTo(7);
        assertThat(redis.hash(Long.class).hget(RedisKeys.userSpend(userId), LimitStore.UNSETTLED_TOTAL)).isEqualTo(7L);
        assertThat(redis.key().ttl(counterKey)).isBetween(1L, 600L);
        assertThat(findEvent(rid)).isEqualTo(event);
        assertThat(countEvents(rid)).isEqualTo(1);
    }

    /**
     * A batch is one script per hash slot, then the stream's: when the slot scripts ran and the stream's never did
     * (the reply was lost in between), sending it again appends the events once and counts nothing twice.
     */
    @Test
    void aBatchWhoseSlotsWereWrittenButNotItsEventsIsCompletedOnceWhenSentAgain() {
        long groupId = id();
        long userId = id();
        String rid = "req-" + UUID.randomUUID();
        String groupCounter = RedisKeys.groupSpend(groupId, SpendPeriod.DAY.id(Instant.now()));
        String userCounter = RedisKeys.userPeriodSpend(userId, SpendPeriod.DAY.id(Instant.now()));
        UsageEvent event = new UsageEvent(1, rid, System.currentTimeMillis(), id(), userId, groupId, "m", null, null, null, 1, 1,
                new BigDecimal("0.000007"), 200, 1, 3, null, rid);
        String batchId = "test-" + UUID.randomUUID();
        UsageStore.Batch batch = new UsageStore.Batch()
                .counter(groupCounter, 7, Instant.now().getEpochSecond() + 600)
                .counter(userCounter, 7, Instant.now().getEpochSecond() + 600)
                .unsettled(userId, rid, 7)
                .event(event.usageId(), rid, UsageJson.write(event))
                .seal(batchId, 600, 60, 1_000_000, 600_000);
        assertThat(batch.slots()).as("the user's slot and the group's").isEqualTo(2);
        assertThat(store.write(batch).await().atMost(WAIT)).isTrue();
        String streamMarker = RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, batchId);
        assertThat(redis.key().ttl(streamMarker)).isBetween(61L, 600L);
        assertThat(redis.key().ttl(RedisKeys.batchMarker(userCounter, batchId))).isBetween(1L, 60L);
        assertThat(redis.key().ttl(RedisKeys.batchMarker(groupCounter, batchId))).isBetween(1L, 60L);

        // back to: slot scripts applied, the stream's not
        redis.key().del(streamMarker);
        Response entries = redis.execute("XREVRANGE", RedisKeys.USAGE_STREAM, "+", "-", "COUNT", "2000");
        for (Response entry : entries) {
            if (entry.get(1).toString().contains(rid)) {
                redis.execute("XDEL", RedisKeys.USAGE_STREAM, entry.get(0).toString());
            }
        }
        assertThat(countEvents(rid)).isZero();

        assertThat(store.write(batch).await().atMost(WAIT)).as("the events are appended now").isTrue();
        assertThat(countEvents(rid)).isEqualTo(1);
        assertThat(counter(groupCounter)).isEqualTo(7);
        assertThat(counter(userCounter)).isEqualTo(7);
        assertThat(redis.hash(Long.class).hget(RedisKeys.userSpend(userId), LimitStore.UNSETTLED_TOTAL)).isEqualTo(7L);
    }

    /**
     * A batch sent again after its slot marker expired, when the ledger settled one of its requests meanwhile: the
     * settled field comes back (as it always did: the ledger reconciles it), and the total is still exactly the sum
     * of the fields, never a second count of the entries that were still there.
     */
    @Test
    void aBatchSentAgainAfterItsSlotMarkerExpiredLeavesTheTotalTheSumOfTheFields() {
        long userId = id();
        String unsettled = RedisKeys.userSpend(userId);
        String batchId = "test-" + UUID.randomUUID();
        UsageStore.Batch batch = new UsageStore.Batch().unsettled(userId, "u-1", 7).unsettled(userId, "u-2", 5)
                .unsettled(userId, "u-3", 11).seal(batchId, 600, 600, 1_000_000, 600_000);
        assertThat(store.write(batch).await().atMost(WAIT)).isTrue();
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(23L);

        redis.key().del(RedisKeys.batchMarker(unsettled, batchId), RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, batchId));
        assertThat(store.write(batch).await().atMost(WAIT)).as("nothing new: all three still there").isTrue();
        assertThat(redis.hash(Long.class).hget(unsettled, LimitStore.UNSETTLED_TOTAL)).isEqualTo(23L);

        assertThat(store.settle(userId, "u-2").await().atMost(WAIT)).isEqualTo(5L);
        redis.key().del(RedisKeys.batchMarker(unsettled, batchId), RedisKeys.batchMarker(RedisKeys.USAGE_STREAM, batchId));
        assertThat(store.write(batch).await().atMost(WAIT)).isTrue();
        var fields = redis.hash(Long.class).hgetall(unsettled);
        assertThat(fields).containsEntry("u-1", 7L).containsEntry("u-2", 5L).containsEntry("u-3", 11L).hasSize(4);
        assertThat(fields.get(LimitStore.UNSETTLED_TOTAL)).as("the fields' sum, u-1 and u-3 counted once").isEqualTo(23L);
    }

    /** More entries of one user than one HSET call takes (500 pairs each), and two users whose hashes share a slot. */
    @Test
    void aLargeBatchAndTwoUsersInOneSlotAreEachCountedExactly() {
        long first = id();
        long second = first + 1;
        while (RedisKeys.slot(RedisKeys.userSpend(second)) != RedisKeys.slot(RedisKeys.userSpend(first))) {
            second++;
        }
        UsageStore.Batch batch = new UsageStore.Batch();
        for (int i = 0; i < 1_234; i++) {
            batch.unsettled(first, "a-" + i, 3);
            if (i % 2 == 0) {
                batch.unsettled(second, "b-" + i, 2);
            }
        }
        batch.seal("test-" + UUID.randomUUID(), 600, 600, 1_000_000, 600_000);
        assertThat(batch.slots()).as("both hashes in one slot script").isEqualTo(1);
        assertThat(store.write(batch).await().atMost(WAIT)).isTrue();
        assertThat(redis.hash(Long.class).hget(RedisKeys.userSpend(first), LimitStore.UNSETTLED_TOTAL)).isEqualTo(1_234 * 3L);
        assertThat(redis.hash(String.class).hlen(RedisKeys.userSpend(first))).isEqualTo(1_235);
        assertThat(redis.hash(Long.class).hget(RedisKeys.userSpend(second), LimitStore.UNSETTLED_TOTAL)).isEqualTo(617 * 2L);
        assertThat(redis.hash(String.class).hlen(RedisKeys.userSpend(second))).isEqualTo(618);
        assertThat(redis.key().pttl(RedisKeys.userSpend(second))).isBetween(1L, 600_000L);
    }

    private double batches() {
        io.micrometer.core.instrument.Counter c = registry.find("switchboard.usage.batches").counter();
        return c == null ? 0 : c.count();
    }

    private int countEvents(String requestId) {
        int n = 0;
        Response entries = redis.execute("XREVRANGE", RedisKeys.USAGE_STREAM, "+", "-", "COUNT", "2000");
        for (Response entry : entries) {
            if (entry.get(1).toString().contains(requestId)) {
                n++;
            }
        }
        return n;
    }
}
