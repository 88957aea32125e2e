package dev.switchboard.relay.usage;

import java.time.Duration;

/** {@link UsageConfig} for tests built without Quarkus. */
record UsageTestConfig(Duration flushInterval, int batchSize, Duration batchDedupeTtl, Duration slotDedupeTtl,
        Duration shutdownWait) implements UsageConfig {

    static UsageTestConfig defaults() {
        return new UsageTestConfig(Duration.ofMillis(50), 256, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(5));
    }

    UsageTestConfig withBatchSize(int n) {
        return new UsageTestConfig(flushInterval, n, batchDedupeTtl, slotDedupeTtl, shutdownWait);
    }
}
