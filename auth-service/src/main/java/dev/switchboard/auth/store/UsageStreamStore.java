package dev.switchboard.auth.store;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.RedisScripts;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** The {@code sb:usage} stream as seen by the {@code auth-ledger} consumer group. */
@ApplicationScoped
public class UsageStreamStore {

    @Inject
    RedisDataSource redis;

    private StreamCommands<String, String, String> stream() {
        return redis.stream(String.class);
    }

    /** XGROUP CREATE ... MKSTREAM from the start of the stream; an existing group is kept. */
    public void ensureGroup() {
        try {
            stream().xgroupCreate(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** New messages for this consumer (XREADGROUP ... &gt;), blocking up to {@code block}. */
    public List<StreamMessage<String, String, String>> readNew(String consumer, int count, Duration block) {
        XReadGroupArgs args = new XReadGroupArgs().count(count);
        if (!block.isZero()) {
            args.block(block);
        }
        List<StreamMessage<String, String, String>> out = stream().xreadgroup(RedisKeys.USAGE_GROUP, consumer,
                RedisKeys.USAGE_STREAM, ">", args);
        return out == null ? List.of() : out;
    }

    /** XAUTOCLAIM: takes over messages pending longer than {@code minIdle} (their consumer died). */
    public ClaimedMessages<String, String, String> claimIdle(String consumer, Duration minIdle, String start, int count) {
        return stream().xautoclaim(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, consumer, minIdle, start, count);
    }

    /**
     * Removes one request's unsettled spend from the user's hash (written by the relay), once; called
     * after the debit is committed and the user's snapshots refreshed.
     */
    public void settleUnsettled(long userId, String requestId) {
        redis.execute("EVAL", RedisScripts.SETTLE_UNSETTLED, "1", RedisKeys.userSpend(userId), requestId);
    }

    public void ack(String id) {
        stream().xack(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, id);
    }
}
