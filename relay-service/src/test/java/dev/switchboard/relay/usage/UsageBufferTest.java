package dev.switchboard.relay.usage;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitFixtures;
import dev.switchboard.relay.store.UsageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Usage is not lost while Redis is briefly unreachable: it is buffered and written once Redis answers. */
class UsageBufferTest {

    private final AtomicBoolean up = new AtomicBoolean(false);
    private final List<String> written = new ArrayList<>();
    private final List<String> batchIds = new ArrayList<>();
    private final UsageStore store = new UsageStore(null) {
        @Override
        public Uni<Boolean> write(Batch batch) {
            if (!up.get()) {
                return Uni.createFrom().failure(new ConnectException("Connection refused"));
            }
            written.addAll(batch.requestIds());
            batchIds.add(batch.id());
            return Uni.createFrom().item(true);
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UsageRecorder recorder = new UsageRecorder(store, LimitFixtures.Config.defaults(), UsageTestConfig.defaults(),
            new HeadroomTracker(null, LimitFixtures.Config.defaults(), null), registry, null);

    private UsageRecord record(ApiKeySnapshot key, String id) {
        return new UsageRecord(id, key, key.group(), "m", "model:m", UsageRecorderTest.candidate(), 10, 10, 200, 1, 5, 1L);
    }

    @Test
    void buffersWhileRedisIsDownAndWritesInOrderAfterwards() {
        ApiKeySnapshot key = key(null, null, new BigDecimal("1"), group(null, null, null));
        recorder.record(record(key, "a"));
        recorder.record(record(key, "b"));
        recorder.record(record(key, "c"));
        assertThat(recorder.queued()).as("queued, no Redis call per request").isEqualTo(3);
        assertThat(recorder.buffered()).isZero();
        recorder.flush();
        assertThat(recorder.queued()).isZero();
        assertThat(recorder.buffered()).isEqualTo(3);
        assertThat(registry.find("switchboard.usage.buffered").gauge().value()).isEqualTo(3.0);

        recorder.retryBuffered();
        assertThat(recorder.buffered()).as("still down: nothing lost").isEqualTo(3);

        up.set(true);
        recorder.record(record(key, "d"));
        recorder.flush();
        recorder.retryBuffered();
        assertThat(written).containsExactly("d", "a", "b", "c");
        assertThat(recorder.buffered()).isZero();
        assertThat(batchIds).as("a, b, c were one batch, re-sent under its own id").hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void aFullBatchIsSentWithoutWaitingForTheTimer() {
        up.set(true);
        UsageRecorder four = new UsageRecorder(store, LimitFixtures.Config.defaults(), UsageTestConfig.defaults().withBatchSize(4),
                new HeadroomTracker(null, LimitFixtures.Config.defaults(), null), registry, null);
        ApiKeySnapshot key = key(null, null, null, group(null, null, null));
        for (int i = 0; i < 10; i++) {
            four.record(record(key, "r" + i));
        }
        assertThat(written).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
        assertThat(batchIds).hasSize(2);
        assertThat(four.queued()).isEqualTo(2);
        assertThat(four.flushAll().await().atMost(java.time.Duration.ofSeconds(2))).isZero();
        assertThat(written).hasSize(10);
        assertThat(batchIds).hasSize(3);
    }

    @Test
    void dropsAndCountsBeyondTheBufferSize() {
        LimitFixtures.Config small = new LimitFixtures.Config(true, LimitFixtures.Config.defaults().rateWindow(),
                LimitFixtures.Config.defaults().leaseTtl(), LimitFixtures.Config.defaults().leaseRefreshInterval(),
                LimitFixtures.Config.defaults().leaseMaxLifetime(), LimitFixtures.Config.defaults().concurrencyRetryAfter(),
                LimitFixtures.Config.defaults().redisTimeout(), LimitFixtures.Config.defaults().redisRetryInterval(),
                LimitFixtures.Config.defaults().spendFailOpenGrace(), 1000, 2, LimitFixtures.Config.defaults().spendRetention(),
                LimitFixtures.Config.defaults().unsettledSpendTtl(), LimitFixtures.Config.defaults().headroomFlushInterval(),
                LimitFixtures.Config.defaults().headroomExhaustedDefault());
        UsageRecorder tiny = new UsageRecorder(store, small, UsageTestConfig.defaults(),
                new HeadroomTracker(null, small, null), registry, null);
        ApiKeySnapshot key = key(null, null, null, group(null, null, null));
        for (int i = 0; i < 5; i++) {
            tiny.record(record(key, "r" + i));
        }
        tiny.flush();
        assertThat(tiny.buffered()).isEqualTo(2);
        assertThat(registry.find("switchboard.usage.dropped").counter().count()).isEqualTo(3.0);
    }
}
