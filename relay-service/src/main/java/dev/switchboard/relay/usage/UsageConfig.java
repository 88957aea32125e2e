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

    /**
     * How long each hash slot a batch wrote (one per user and per group of the batch) remembers it: many more
     * markers than batch ids, so shorter. A batch re-sent after a lost reply later than this adds its spend and
     * minute counters again (budgets then see more spend, never less); its events, unsettled spend and
     * reservation releases stay exactly once (the batch marker, and request ids).
     */
    @WithDefault("5m")
    Duration slotDedupeTtl();

    /** At shutdown, how long to wait for the last batches to be written. */
    @WithDefault("5s")
    Duration shutdownWait();
}
