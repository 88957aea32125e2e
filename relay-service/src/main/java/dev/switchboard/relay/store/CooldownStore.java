package dev.switchboard.relay.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.relay.routing.CooldownState;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cluster-wide cooldowns in Redis, the only code that touches {@code sb:cd:*}.
 *
 * <ul>
 * <li>{@code sb:cd:<scope>}: JSON {@code {until, reason, strikes, replica, rateLimited}} with a TTL past the
 * deadline, so the expired-but-not-cleared (half-open) state stays visible to every replica for a grace
 * period;</li>
 * <li>{@code sb:cd:index}: sorted set scope → deadline, for listing and the backstop poll;</li>
 * <li>{@code sb:cd:probe:<scope>}: the half-open probe lock (holder = replica id);</li>
 * <li>{@code sb:cd:events}: one message per set, extension or clear, published by the same script that
 * wrote, so subscribers see changes in Redis order.</li>
 * </ul>
 *
 * Writes are Lua scripts: a deadline only ever moves later (extend-only, even between replicas racing each
 * other), strikes never go down while an entry exists, and a success clears only an entry nobody extended
 * meanwhile. Events carry the {@link dev.switchboard.contracts.events.CooldownEvent} fields plus
 * {@code strikes} and {@code rateLimited}; {@code untilEpochMs = 0} means cleared.
 */
@ApplicationScoped
public class CooldownStore {

    /** KEYS: entry, index, probe. ARGV: scope, until, ttlMs, strikes, reason, replica, rateLimited(0/1), channel. */
    static final String EXTEND_SCRIPT = """
            local untilMs = tonumber(ARGV[2])
            local strikes = tonumber(ARGV[4])
            local cur = redis.call('GET', KEYS[1])
            if cur then
              local ok, old = pcall(cjson.decode, cur)
              if ok and type(old) == 'table' and tonumber(old['until']) then
                if tonumber(old['until']) >= untilMs then
                  return {0, cur}
                end
                if tonumber(old['strikes']) and tonumber(old['strikes']) > strikes then
                  strikes = tonumber(old['strikes'])
                end
              end
            end
            local limited = ARGV[7] == '1'
            local entry = cjson.encode({['until'] = untilMs, reason = ARGV[5], strikes = strikes,
                                        replica = ARGV[6], rateLimited = limited})
            redis.call('SET', KEYS[1], entry, 'PX', ARGV[3])
            redis.call('ZADD', KEYS[2], untilMs, ARGV[1])
            redis.call('DEL', KEYS[3])
            redis.call('PUBLISH', ARGV[8], cjson.encode({scope = ARGV[1], untilEpochMs = untilMs, reason = ARGV[5],
                                        replica = ARGV[6], strikes = strikes, rateLimited = limited}))
            return {1, entry}
            """;

    /**
     * KEYS: entry, index, probe. ARGV: scope, notAfter (-1 = unconditional), replica, channel.
     * Returns {1} when deleted, {0} when absent, {-1, entry} when the stored deadline is later than notAfter.
     */
    static final String CLEAR_SCRIPT = """
            local cur = redis.call('GET', KEYS[1])
            if not cur then
              redis.call('ZREM', KEYS[2], ARGV[1])
              return {0}
            end
            local notAfter = tonumber(ARGV[2])
            if notAfter >= 0 then
              local ok, old = pcall(cjson.decode, cur)
              if ok and type(old) == 'table' and tonumber(old['until']) and tonumber(old['until']) > notAfter then
                return {-1, cur}
              end
            end
            redis.call('DEL', KEYS[1], KEYS[3])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('PUBLISH', ARGV[4], cjson.encode({scope = ARGV[1], untilEpochMs = 0, reason = 'cleared',
                                        replica = ARGV[3], strikes = 0, rateLimited = false}))
            return {1}
            """;

    /**
     * KEYS: entry, probe. ARGV: holder, timeoutMs. Refuses while the entry is cooling again (a failed probe's
     * new cooldown may not have reached every near-cache yet); no entry at all means nothing to probe: allowed,
     * no lock taken.
     */
    static final String ACQUIRE_PROBE_SCRIPT = """
            local cur = redis.call('GET', KEYS[1])
            if not cur then
              return 1
            end
            local ok, old = pcall(cjson.decode, cur)
            if ok and type(old) == 'table' and tonumber(old['until']) then
              local t = redis.call('TIME')
              local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              if tonumber(old['until']) > nowMs then
                return 0
              end
            end
            if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return 1
            end
            return 0
            """;

    /** KEYS: probe. ARGV: holder. Deletes the lock only when the holder still owns it. */
    static final String RELEASE_PROBE_SCRIPT = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper mapper;

    public CooldownStore(ReactiveRedisDataSource redis, ObjectMapper mapper) {
        this.redis = redis;
        this.mapper = mapper;
    }

    /** Outcome of an extend: whether this write won, and the entry Redis holds afterwards. */
    public record Extension(boolean written, CooldownState stored) {
    }

    /** Outcome of a clear. */
    public enum ClearResult {
        /** the entry existed and is gone everywhere */
        CLEARED,
        /** there was no entry */
        ABSENT,
        /** a later deadline was stored meanwhile; the entry stays */
        KEPT
    }

    /**
     * Writes {@code s} unless Redis already holds a deadline at least as late; strikes never decrease. A
     * successful write publishes an event and drops any probe lock of the scope (a failed probe ends the probe).
     *
     * @param ttl lifetime of the Redis key; longer than the cooldown so the half-open state stays visible
     */
    public Uni<Extension> extend(CooldownState s, Duration ttl) {
        return eval(EXTEND_SCRIPT, List.of(RedisKeys.cooldown(s.scope()), RedisKeys.COOLDOWN_INDEX,
                        RedisKeys.cooldownProbe(s.scope())),
                List.of(s.scope(), Long.toString(s.untilEpochMs()), Long.toString(Math.max(1, ttl.toMillis())),
                        Integer.toString(s.strikes()), nonNull(s.reason()), nonNull(s.replica()),
                        s.rateLimited() ? "1" : "0", RedisKeys.COOLDOWN_EVENTS))
                .map(r -> new Extension(r.get(0).toInteger() == 1, parse(s.scope(), r.get(1).toString())));
    }

    /** Deletes the entry, its index member and its probe lock whatever its deadline (operator action). */
    public Uni<ClearResult> clear(String scope, String replica) {
        return clear(scope, -1, replica).map(Extension::written).map(b -> b ? ClearResult.CLEARED : ClearResult.ABSENT);
    }

    /**
     * Deletes the entry only if its deadline is not after {@code notAfterEpochMs}: a success clears the
     * half-open entry it probed, never a fresh cooldown a concurrent failure just set.
     *
     * @return CLEARED, ABSENT, or KEPT (then {@link #get} gives the newer entry)
     */
    public Uni<ClearResult> clearIfNotAfter(String scope, long notAfterEpochMs, String replica) {
        return clear(scope, Math.max(0, notAfterEpochMs), replica).map(e -> {
            if (e.written()) {
                return ClearResult.CLEARED;
            }
            return e.stored() == null ? ClearResult.ABSENT : ClearResult.KEPT;
        });
    }

    private Uni<Extension> clear(String scope, long notAfter, String replica) {
        return eval(CLEAR_SCRIPT, List.of(RedisKeys.cooldown(scope), RedisKeys.COOLDOWN_INDEX,
                        RedisKeys.cooldownProbe(scope)),
                List.of(scope, Long.toString(notAfter), nonNull(replica), RedisKeys.COOLDOWN_EVENTS))
                .map(r -> {
                    int code = r.get(0).toInteger();
                    return new Extension(code == 1, code == -1 ? parse(scope, r.get(1).toString()) : null);
                });
    }

    /** One entry, or null. */
    public Uni<CooldownState> get(String scope) {
        return redis.execute("GET", RedisKeys.cooldown(scope))
                .map(r -> r == null ? null : parse(scope, r.toString()));
    }

    /**
     * Every entry Redis holds (cooling and half-open), by deadline. Index members whose entry expired are
     * removed from the index on the way.
     */
    public Uni<List<CooldownState>> list() {
        return redis.execute("ZRANGE", RedisKeys.COOLDOWN_INDEX, "0", "-1").flatMap(members -> {
            if (members == null || members.size() == 0) {
                return Uni.createFrom().item(List.<CooldownState>of());
            }
            List<String> scopes = new ArrayList<>(members.size());
            for (Response m : members) {
                scopes.add(m.toString());
            }
            String[] keys = scopes.stream().map(RedisKeys::cooldown).toArray(String[]::new);
            return redis.execute("MGET", keys).flatMap(values -> {
                List<CooldownState> out = new ArrayList<>();
                List<String> gone = new ArrayList<>();
                for (int i = 0; i < scopes.size(); i++) {
                    Response v = values.get(i);
                    CooldownState s = v == null ? null : parse(scopes.get(i), v.toString());
                    if (s == null) {
                        gone.add(scopes.get(i));
                    } else {
                        out.add(s);
                    }
                }
                out.sort(Comparator.comparingLong(CooldownState::untilEpochMs).thenComparing(CooldownState::scope));
                if (gone.isEmpty()) {
                    return Uni.createFrom().item(out);
                }
                List<String> args = new ArrayList<>(gone.size() + 1);
                args.add(RedisKeys.COOLDOWN_INDEX);
                args.addAll(gone);
                return redis.execute("ZREM", args.toArray(String[]::new)).replaceWith(out);
            });
        });
    }

    /**
     * {@code SET sb:cd:probe:<scope> <holder> NX PX <timeout>} while the scope is half-open: true for the one
     * caller that got the lock (or when the entry is gone, so there is nothing left to probe); false while
     * another holder probes or the scope is cooling down again.
     */
    public Uni<Boolean> tryAcquireProbe(String scope, String holder, Duration timeout) {
        return eval(ACQUIRE_PROBE_SCRIPT, List.of(RedisKeys.cooldown(scope), RedisKeys.cooldownProbe(scope)),
                List.of(holder, Long.toString(Math.max(1, timeout.toMillis()))))
                .map(r -> r != null && r.toInteger() == 1);
    }

    /** Drops the probe lock if {@code holder} still owns it. */
    public Uni<Boolean> releaseProbe(String scope, String holder) {
        return eval(RELEASE_PROBE_SCRIPT, List.of(RedisKeys.cooldownProbe(scope)), List.of(holder))
                .map(r -> r != null && r.toInteger() == 1);
    }

    /**
     * Subscribes to {@code sb:cd:events} on a dedicated connection. The returned Uni completes once the
     * subscription is in place. A cleared scope arrives as a state with {@code untilEpochMs == 0}.
     */
    public Uni<ReactiveRedisSubscriber> subscribe(Consumer<CooldownState> onEvent, Runnable onEnd,
            Consumer<Throwable> onError) {
        return redis.pubsub(String.class).subscribe(RedisKeys.COOLDOWN_EVENTS, json -> {
            CooldownState s = parseEvent(json);
            if (s != null) {
                onEvent.accept(s);
            }
        }, onEnd, onError);
    }

    /** The stored JSON form of an entry (also lets tests play a writer whose event got lost). */
    public String toJson(CooldownState s) {
        try {
            return mapper.writeValueAsString(new StoredEntry(s.untilEpochMs(), s.reason(), s.strikes(), s.replica(),
                    s.rateLimited()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cooldown entry not serialisable", e);
        }
    }

    CooldownState parse(String scope, String json) {
        try {
            StoredEntry e = mapper.readValue(json, StoredEntry.class);
            if (e.until() == null || e.until() <= 0) {
                return null;
            }
            return new CooldownState(scope, e.until(), e.reason(), e.strikes() == null ? 1 : e.strikes(),
                    e.replica(), Boolean.TRUE.equals(e.rateLimited()));
        } catch (JsonProcessingException | RuntimeException ex) {
            return null;
        }
    }

    private CooldownState parseEvent(String json) {
        try {
            EventPayload e = mapper.readValue(json, EventPayload.class);
            if (e.scope() == null || e.scope().isBlank()) {
                return null;
            }
            return new CooldownState(e.scope(), e.untilEpochMs(), e.reason(), e.strikes() == null ? 1 : e.strikes(),
                    e.replica(), Boolean.TRUE.equals(e.rateLimited()));
        } catch (JsonProcessingException | RuntimeException ex) {
            return null;
        }
    }

    /** EVALSHA, falling back to EVAL once when Redis does not know the script yet (restart, SCRIPT FLUSH). */
    private Uni<Response> eval(String script, List<String> keys, List<String> args) {
        String sha = sha1(script);
        return redis.execute("EVALSHA", evalArgs(sha, keys, args))
                .onFailure(t -> t.getMessage() != null && t.getMessage().contains("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", evalArgs(script, keys, args)));
    }

    private static String[] evalArgs(String scriptOrSha, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.size());
        all.add(scriptOrSha);
        all.add(Integer.toString(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private static final java.util.Map<String, String> SHAS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String sha1(String script) {
        return SHAS.computeIfAbsent(script, s -> {
            try {
                return HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredEntry(Long until, String reason, Integer strikes, String replica, Boolean rateLimited) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EventPayload(String scope, long untilEpochMs, String reason, Integer strikes, String replica,
            Boolean rateLimited) {
    }
}
