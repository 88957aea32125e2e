package dev.switchboard.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads auth cache entries straight from Redis (DB 1 in tests), as a relay would. */
@ApplicationScoped
public class RedisEntries {

    static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    @Inject
    RedisDataSource redis;

    public AuthCacheEntry entry(String sha256) {
        String json = raw(sha256);
        try {
            return json == null ? null : MAPPER.readValue(json, AuthCacheEntry.class);
        } catch (Exception e) {
            throw new AssertionError("unreadable entry", e);
        }
    }

    public String raw(String sha256) {
        return redis.value(String.class).get(RedisKeys.authKey(sha256));
    }

    public long ttlSeconds(String sha256) {
        return redis.key(String.class).ttl(RedisKeys.authKey(sha256));
    }

    public void delete(String sha256) {
        redis.key(String.class).del(RedisKeys.authKey(sha256));
    }

    public long epoch() {
        String v = redis.value(String.class).get(RedisKeys.AUTH_EPOCH);
        return v == null ? 0 : Long.parseLong(v);
    }
}
