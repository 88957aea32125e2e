package dev.switchboard.relay.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.events.AuthEvent;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Reads the auth snapshots auth-service writes to Redis; never writes them. */
@ApplicationScoped
public class AuthStore {

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final RedisStatus status;

    public AuthStore(ReactiveRedisDataSource redis, ObjectMapper mapper, RedisStatus status) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.mapper = mapper;
        this.status = status;
    }

    /**
     * The cache entry of a key hash, or null when Redis holds none. On the request path, so bounded: fails
     * after {@code switchboard.redis.timeout} when Redis does not answer (a hung Redis would otherwise hold
     * the request until it answers, however long).
     */
    public Uni<AuthCacheEntry> get(String sha256Hex) {
        return values.get(RedisKeys.authKey(sha256Hex))
                .ifNoItem().after(status.timeout()).failWith(() -> {
                    status.markDown("auth snapshot read timed out");
                    return new RedisUnavailableException();
                })
                .map(json -> json == null ? null : parse(json, AuthCacheEntry.class));
    }

    /** The background probe or a request-path call found Redis unreachable: callers with a fallback use it at once. */
    public boolean knownDown() {
        return !status.up();
    }

    /** Redis did not answer within its timeout. */
    public static final class RedisUnavailableException extends RuntimeException {
        RedisUnavailableException() {
            super("Redis unavailable", null, false, false);
        }
    }

    /**
     * Current value of the invalidation counter (0 when absent), failing after {@code bound}. A background
     * read: its bound is the caller's poll interval, not the request-path timeout, so that a Redis slowed by
     * load still answers the poll that revocations without a message depend on.
     */
    public Uni<Long> epoch(Duration bound) {
        return values.get(RedisKeys.AUTH_EPOCH).ifNoItem().after(bound).fail().map(v -> v == null ? 0L : Long.parseLong(v.trim()));
    }

    /** Invalidation messages; malformed ones are dropped by the caller's error handling. */
    public Multi<AuthEvent> events() {
        return redis.pubsub(String.class).subscribe(RedisKeys.AUTH_EVENTS).map(json -> parse(json, AuthEvent.class));
    }

    private <T> T parse(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("malformed " + type.getSimpleName() + " in Redis", e);
        }
    }
}
