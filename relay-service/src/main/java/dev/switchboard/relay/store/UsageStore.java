package dev.switchboard.relay.store;

import dev.switchboard.contracts.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis side of usage accounting: spend counters, the user's unsettled spend and the {@code sb:usage}
 * stream, written in one pipeline per finished request; and the reads behind {@code GET /v1/usage}.
 *
 * <p>Unsettled spend of a user ({@code RedisKeys.userSpend}) is a hash: one field per request id holding
 * its cost in micro-USD, plus {@link LimitStore#UNSETTLED_TOTAL} holding their sum. The relay adds a
 * field with {@link #RECORD_UNSETTLED}; the ledger, once the request is in the ledger and the balance
 * is decremented, runs {@link #SETTLE} for the same request id. Both are idempotent per request id, so
 * duplicate deliveries and retries neither double-count nor double-settle.
 */
@ApplicationScoped
public class UsageStore {

    /** Adds a request's unsettled spend once (shared with auth-service's ledger). */
    public static final String RECORD_UNSETTLED = dev.switchboard.contracts.RedisScripts.RECORD_UNSETTLED;

    /** Removes a request's unsettled spend once: what the ledger runs after the debit is committed. */
    public static final String SETTLE = dev.switchboard.contracts.RedisScripts.SETTLE_UNSETTLED;

    private final Redis redis;

    public UsageStore(Redis redis) {
        this.redis = redis;
    }

    /** A spend counter and the epoch second at which it expires. */
    public record Counter(String key, long expireAtEpochSeconds) {
    }

    /** Spend counter of a user for a period (same period ids as the group counters). */
    public static String userPeriodSpend(long userId, String period) {
        return RedisKeys.userPeriodSpend(userId, period);
    }

    /** Finished requests of a tenant key in one clock minute (epoch minute). */
    public static String minuteRequests(long apiKeyId, long epochMinute) {
        return RedisKeys.minuteRequests(apiKeyId, epochMinute);
    }

    /**
     * Writes one finished request in a single pipeline.
     *
     * @param counters spend counters to increment by {@code micros} (skipped when micros is 0)
     * @param unsettledUserId user whose unsettled spend grows; null when the user has no metered balance
     * @param minuteKey finished-requests counter of the key's current minute ({@link #minuteRequests})
     */
    public Uni<Void> record(List<Counter> counters, long micros, Long unsettledUserId, String requestId,
            long unsettledTtlMs, String minuteKey, String eventJson, long streamMaxLen) {
        List<Request> batch = new ArrayList<>();
        batch.add(Request.cmd(Command.INCR).arg(minuteKey));
        batch.add(Request.cmd(Command.EXPIRE).arg(minuteKey).arg(120));
        if (micros > 0) {
            for (Counter c : counters) {
                batch.add(Request.cmd(Command.INCRBY).arg(c.key()).arg(micros));
                batch.add(Request.cmd(Command.EXPIREAT).arg(c.key()).arg(c.expireAtEpochSeconds()));
            }
            if (unsettledUserId != null) {
                batch.add(Request.cmd(Command.EVAL).arg(RECORD_UNSETTLED).arg(1).arg(RedisKeys.userSpend(unsettledUserId))
                        .arg(requestId).arg(micros).arg(unsettledTtlMs));
            }
        }
        batch.add(Request.cmd(Command.XADD).arg(RedisKeys.USAGE_STREAM).arg("MAXLEN").arg("~").arg(streamMaxLen)
                .arg("*").arg(dev.switchboard.contracts.events.UsageEvent.FIELD).arg(eventJson));
        return redis.batch(batch).replaceWithVoid();
    }

    /** Settles one request's unsettled spend (what the ledger does); returns the micro-USD removed, 0 when none. */
    public Uni<Long> settle(long userId, String requestId) {
        return redis.send(Request.cmd(Command.EVAL).arg(SETTLE).arg(1).arg(RedisKeys.userSpend(userId)).arg(requestId))
                .map(r -> r == null ? 0L : r.toLong());
    }

    /** What {@code GET /v1/usage} shows, read in one pipeline. */
    public record Snapshot(List<Long> counters, long requestsInWindow, long liveLeases, long unsettledMicros) {
    }

    /**
     * @param counters spend counter keys to read (absent = 0)
     */
    public Uni<Snapshot> snapshot(List<String> counters, long apiKeyId, long userId, long nowMs, long windowMs) {
        List<Request> batch = new ArrayList<>();
        Request mget = Request.cmd(Command.MGET);
        counters.forEach(mget::arg);
        if (!counters.isEmpty()) {
            batch.add(mget);
        }
        batch.add(Request.cmd(Command.ZCOUNT).arg(RedisKeys.rateWindow(apiKeyId)).arg("(" + (nowMs - windowMs)).arg("+inf"));
        batch.add(Request.cmd(Command.ZCOUNT).arg(RedisKeys.concurrency(userId)).arg("(" + nowMs).arg("+inf"));
        batch.add(Request.cmd(Command.HGET).arg(RedisKeys.userSpend(userId)).arg(LimitStore.UNSETTLED_TOTAL));
        return redis.batch(batch).map(replies -> {
            int i = 0;
            List<Long> values = new ArrayList<>(counters.size());
            if (!counters.isEmpty()) {
                Response m = replies.get(i++);
                for (int j = 0; j < m.size(); j++) {
                    values.add(asLong(m.get(j)));
                }
            }
            long window = asLong(replies.get(i++));
            long leases = asLong(replies.get(i++));
            long unsettled = asLong(replies.get(i));
            return new Snapshot(values, window, leases, unsettled);
        });
    }

    /** Reads a list of counters (absent = 0). */
    public Uni<List<Long>> counters(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Request mget = Request.cmd(Command.MGET);
        keys.forEach(mget::arg);
        return redis.send(mget).map(m -> {
            List<Long> values = new ArrayList<>(m.size());
            for (int j = 0; j < m.size(); j++) {
                values.add(asLong(m.get(j)));
            }
            return values;
        });
    }

    private static long asLong(Response r) {
        return r == null ? 0L : Long.parseLong(r.toString());
    }
}
