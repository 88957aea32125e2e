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
    public void settleUnsettled(long userId, String usageId) {
        redis.execute("EVAL", RedisScripts.SETTLE_UNSETTLED, "1", RedisKeys.userSpend(userId), usageId);
    }

    /** The same for many usage ids of one user in one script (one key, so one hash slot). */
    public void settleUnsettled(long userId, List<String> usageIds) {
        if (usageIds.isEmpty()) {
            return;
        }
        String[] args = new String[3 + usageIds.size()];
        args[0] = RedisScripts.SETTLE_UNSETTLED_MANY;
        args[1] = "1";
        args[2] = RedisKeys.userSpend(userId);
        for (int i = 0; i < usageIds.size(); i++) {
            args[3 + i] = usageIds.get(i);
        }
        redis.execute("EVAL", args);
    }

    public void ack(String id) {
        stream().xack(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, id);
    }

    /** One XACK for many entries. */
    public void ack(List<String> ids) {
        if (!ids.isEmpty()) {
            stream().xack(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, ids.toArray(String[]::new));
        }
    }

    /** Counts one more failed settlement of an entry. @return the failures so far */
    public long countFailure(String messageId) {
        return redis.hash(Long.class).hincrby(RedisKeys.USAGE_FAILURES, messageId, 1);
    }

    /** Forgets the failures of entries that are now settled or dead-lettered. */
    public void forgetFailures(List<String> messageIds) {
        if (!messageIds.isEmpty()) {
            redis.hash(Long.class).hdel(RedisKeys.USAGE_FAILURES, messageIds.toArray(String[]::new));
        }
    }
}
