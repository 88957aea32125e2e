package dev.switchboard.contracts;

/**
 * Lua scripts that two services run on the same keys, kept here so both sides run the same text.
 *
 * <p>Unsettled spend: the relay adds each finished request's cost to the user's unsettled hash
 * ({@link RedisKeys#userSpend(long)}) so balance checks see it before the ledger has debited the
 * balance; the ledger settles the request after committing the debit and publishing the new snapshot.
 * Both are idempotent per request id, so duplicate deliveries neither double-count nor double-settle.
 * Between the snapshot refresh and the settle, a request counts twice: the error is on the safe side.
 */
public final class RedisScripts {

    /** KEYS[1] unsettled hash; ARGV request id, micro-USD, ttl ms. Adds once per request id. */
    public static final String RECORD_UNSETTLED = """
            if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('HINCRBY', KEYS[1], '_total', ARGV[2])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** KEYS[1] unsettled hash; ARGV[1] request id. Removes the request's spend once; returns it, or nil. */
    public static final String SETTLE_UNSETTLED = """
            local c = redis.call('HGET', KEYS[1], ARGV[1])
            if c then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('HINCRBY', KEYS[1], '_total', -tonumber(c))
            end
            return c
            """;

    /** KEYS[1] unsettled hash; ARGV request ids. {@link #SETTLE_UNSETTLED} for each; returns how many were there. */
    public static final String SETTLE_UNSETTLED_MANY = """
            local n = 0
            local sum = 0
            for i = 1, #ARGV do
              local c = redis.call('HGET', KEYS[1], ARGV[i])
              if c then
                redis.call('HDEL', KEYS[1], ARGV[i])
                sum = sum + tonumber(c)
                n = n + 1
              end
            end
            if sum ~= 0 then
              redis.call('HINCRBY', KEYS[1], '_total', -sum)
            end
            return n
            """;

    private RedisScripts() {
    }
}
