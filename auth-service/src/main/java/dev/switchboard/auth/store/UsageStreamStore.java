package dev.switchboard.auth.store;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.RedisScripts;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The {@code sb:usage} stream as seen by the {@code auth-ledger} consumer group. */
@ApplicationScoped
public class UsageStreamStore {

    private final RedisDataSource redis;

    public UsageStreamStore(RedisDataSource redis) {
        this.redis = redis;
    }

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
     * Removes the settled requests' unsettled spend (written by the relay) from each user's hash, once;
     * called after the debits are committed and the users' snapshots refreshed. One script per user (one
     * key, one hash slot), all pipelined on one connection: one round trip for a ledger batch.
     *
     * @throws RuntimeException when Redis fails or does not answer within {@code timeout} (some users may be cleared)
     */
    public void settleUnsettled(Map<Long, List<String>> usageIdsByUser, Duration timeout) {
        List<Request> requests = new ArrayList<>(usageIdsByUser.size());
        for (Map.Entry<Long, List<String>> e : usageIdsByUser.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Request r = Request.cmd(Command.EVAL).arg(RedisScripts.SETTLE_UNSETTLED_MANY).arg(1).arg(RedisKeys.userSpend(e.getKey()));
            for (String usageId : e.getValue()) {
                r.arg(usageId);
            }
            requests.add(r);
        }
        if (!requests.isEmpty()) {
            redis.getReactive().getRedis().batch(requests).await().atMost(timeout);
        }
    }

    /**
     * The group's backlog from XINFO GROUPS: entries not yet delivered to any consumer ({@code lag}) plus
     * entries delivered and not acknowledged ({@code pending}), waiting at most {@code timeout}.
     *
     * @return the backlog, or empty when the stream or the group does not exist or Redis cannot tell the lag
     *     (it reports none after entries were deleted from the middle of the stream)
     * @throws RuntimeException when Redis fails or does not answer within {@code timeout}
     */
    public OptionalLong backlog(Duration timeout) {
        return backlog(RedisKeys.USAGE_STREAM, RedisKeys.USAGE_GROUP, timeout);
    }

    /** The same for any stream and group. */
    public OptionalLong backlog(String streamKey, String group, Duration timeout) {
        Response groups;
        try {
            groups = redis.getReactive().execute("XINFO", "GROUPS", streamKey).await().atMost(timeout);
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such key")) {
                return OptionalLong.empty();
            }
            throw e;
        }
        for (Response g : groups) {
            if (group.equals(String.valueOf(field(g, "name")))) {
                Response lag = field(g, "lag");
                Response pending = field(g, "pending");
                return lag == null || pending == null ? OptionalLong.empty()
                        : OptionalLong.of(lag.toLong() + pending.toLong());
            }
        }
        return OptionalLong.empty();
    }

    /** A field of an XINFO reply: a map under RESP3, a flat name/value array under RESP2. */
    private static Response field(Response entry, String name) {
        if (entry.getKeys() != null && !entry.getKeys().isEmpty()) {
            return entry.get(name);
        }
        for (int i = 0; i + 1 < entry.size(); i += 2) {
            if (name.equals(entry.get(i).toString())) {
                return entry.get(i + 1);
            }
        }
        return null;
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
