package dev.switchboard.auth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The auth part of the Redis contract: cache entries at {@code sb:auth:key:{sha256}}, invalidation
 * events and the epoch counter. Entries are written only through a compare-and-set on
 * {@code version}, so a slow loader can never replace a newer entry (for example a revocation).
 */
@ApplicationScoped
public class AuthCacheStore {

    private static final Logger LOG = Logger.getLogger(AuthCacheStore.class);

    /**
     * KEYS[1] entry key; ARGV[1] JSON; ARGV[2] version; ARGV[3] TTL millis. Writes only when no
     * entry exists or the stored one has a lower version (unreadable entries are replaced).
     * Returns 1 when written, 0 when a newer or equal entry was kept.
     */
    static final String CAS_SCRIPT = """
            local cur = redis.call('GET', KEYS[1])
            if cur then
              local ok, doc = pcall(cjson.decode, cur)
              if ok and type(doc) == 'table' and tonumber(doc['version']) ~= nil
                  and tonumber(doc['version']) >= tonumber(ARGV[2]) then
                return 0
              end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            return 1
            """;

    private final RedisDataSource redis;

    private final ObjectMapper mapper;

    public AuthCacheStore(RedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.mapper = mapper;
    }

    public Optional<AuthCacheEntry> get(String sha256Hex) {
        String json = redis.value(String.class).get(RedisKeys.authKey(sha256Hex));
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(json, AuthCacheEntry.class));
        } catch (JsonProcessingException e) {
            // An unreadable entry is treated as a miss; the loader's CAS replaces it.
            LOG.warn("unreadable auth cache entry ignored");
            return Optional.empty();
        }
    }

    /** @return true when the entry was written, false when Redis already held a newer or equal version */
    public boolean compareAndSet(String sha256Hex, AuthCacheEntry entry, Duration ttl) {
        Response r = redis.execute("EVAL", CAS_SCRIPT, "1", RedisKeys.authKey(sha256Hex), json(entry),
                Long.toString(entry.version()), Long.toString(Math.max(1, ttl.toMillis())));
        return r != null && r.toInteger() == 1;
    }

    /** One compare-and-set of {@link #compareAndSetAll}. */
    public record Write(String sha256Hex, AuthCacheEntry entry, Duration ttl) {
    }

    /**
     * Many compare-and-sets pipelined on one connection: one round trip instead of one per entry (the ledger
     * refreshes every debited user's keys after each batch). Each write is its own script, so the CAS holds
     * per entry exactly as in {@link #compareAndSet}; the writes are not atomic together.
     *
     * @return per write, in order, whether it was written
     * @throws RuntimeException when Redis fails or does not answer within {@code timeout} (some writes may have happened)
     */
    public List<Boolean> compareAndSetAll(List<Write> writes, Duration timeout) {
        if (writes.isEmpty()) {
            return List.of();
        }
        List<Request> requests = new ArrayList<>(writes.size());
        for (Write w : writes) {
            requests.add(Request.cmd(Command.EVAL).arg(CAS_SCRIPT).arg(1).arg(RedisKeys.authKey(w.sha256Hex()))
                    .arg(json(w.entry())).arg(w.entry().version()).arg(Math.max(1, w.ttl().toMillis())));
        }
        List<Response> responses = redis.getReactive().getRedis().batch(requests).await().atMost(timeout);
        List<Boolean> out = new ArrayList<>(responses.size());
        for (Response r : responses) {
            out.add(r != null && r.toInteger() == 1);
        }
        return out;
    }

    public void delete(String sha256Hex) {
        redis.key(String.class).del(RedisKeys.authKey(sha256Hex));
    }

    /** Bumps {@code sb:auth:epoch}, then publishes the event on {@code sb:auth:events} carrying the new epoch. */
    public void publish(AuthEvent event) {
        long epoch = redis.value(Long.class).incr(RedisKeys.AUTH_EPOCH);
        redis.pubsub(String.class).publish(RedisKeys.AUTH_EVENTS, json(event.withEpoch(epoch)));
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an auth cache document", e);
        }
    }
}
