package dev.switchboard.relay.usage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Batching of usage records (prefix {@code switchboard.usage}); buffer size and stream length are in {@code switchboard.limits}. */
@ConfigMapping(prefix = "switchboard.usage")
public interface UsageConfig {

    /** Queued usage records are written at least this often (one Lua script per batch). */
    @WithDefault("50ms")
    Duration flushInterval();

    /** A batch is written as soon as this many records are queued; also the largest batch. */
    @WithDefault("256")
    int batchSize();

    /**
     * How long Redis remembers a written batch id, so a batch re-sent after a lost reply is not counted
     * twice. A batch retried later than this after a lost reply would count its spend twice.
     */
    @WithDefault("1h")
    Duration batchDedupeTtl();

    /** At shutdown, how long to wait for the last batches to be written. */
    @WithDefault("5s")
    Duration shutdownWait();
}
