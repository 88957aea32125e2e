package dev.switchboard.contracts;

/**
 * Every Redis key and channel name the services share (docs/architecture.md, "Redis contract"). Nothing else
 * in the code base spells an {@code sb:} name.
 *
 * <p>Keys that one script touches together share a hash tag (docs/architecture.md, "Redis Cluster"), so every
 * script and multi-key command stays in one hash slot: {@code {u<id>}} for a user and their tenant keys,
 * {@code {g<id>}} for a group, {@code {catalog}} for the catalog document and its version, {@code {cd}} for
 * cooldowns and their index. {@link #slot} computes a key's slot the way Redis Cluster does.
 */
public final class RedisKeys {

    public static final String PREFIX = "sb:";

    /** Pub/sub channel for auth invalidations ({@link dev.switchboard.contracts.events.AuthEvent}). */
    public static final String AUTH_EVENTS = "sb:auth:events";
    /** Counter bumped with every auth invalidation. */
    public static final String AUTH_EPOCH = "sb:auth:epoch";

    /** The whole catalog as one JSON document. */
    public static final String CATALOG_SNAPSHOT = "sb:{catalog}:snapshot";
    /** Version of {@link #CATALOG_SNAPSHOT}, readable without fetching the document. */
    public static final String CATALOG_VERSION = "sb:{catalog}:version";
    /** Pub/sub channel announcing a new catalog version ({@link dev.switchboard.contracts.events.CatalogEvent}). */
    public static final String CATALOG_EVENTS = "sb:catalog:events";
    /** Hash of model-route id to hit count, incremented by relays. */
    public static final String ROUTE_HITS = "sb:catalog:route-hits";

    /** Pub/sub channel for cooldown changes ({@link dev.switchboard.contracts.events.CooldownEvent}). */
    public static final String COOLDOWN_EVENTS = "sb:cd:events";
    /** Sorted set of active cooldown scopes scored by deadline (epoch millis), for listing and backstop polls. */
    public static final String COOLDOWN_INDEX = "sb:{cd}:index";

    /** Stream of finished requests ({@link dev.switchboard.contracts.events.UsageEvent}). */
    public static final String USAGE_STREAM = "sb:usage";
    /** Consumer group of auth-service on {@link #USAGE_STREAM}. */
    public static final String USAGE_GROUP = "auth-ledger";
    /** Hash: failed settlement attempts per {@link #USAGE_STREAM} entry id, shared by every ledger replica. */
    public static final String USAGE_FAILURES = "sb:usage:failures";

    private RedisKeys() {
    }

    /** Auth cache entry for a tenant key, by the lowercase hex SHA-256 of the plaintext key. */
    public static String authKey(String sha256Hex) {
        return "sb:auth:key:" + sha256Hex;
    }

    /** Cooldown entry of one scope (see {@code CooldownScope} in the relay). */
    public static String cooldown(String scope) {
        return "sb:{cd}:" + scope;
    }

    /** Half-open probe lock of one cooldown scope. */
    public static String cooldownProbe(String scope) {
        return "sb:{cd}:probe:" + scope;
    }

    /** Requests-per-minute window of a tenant key, in its user's slot (admission reads both in one script). */
    public static String rateWindow(long userId, long apiKeyId) {
        return user(userId) + ":rl:key:" + apiKeyId;
    }

    /** Requests-per-minute usage of an upstream key. */
    public static String upstreamRate(long providerKeyId) {
        return "sb:rl:upstream:" + providerKeyId;
    }

    /** Concurrency leases of a user (sorted set of lease id scored by expiry). */
    public static String concurrency(long userId) {
        return user(userId) + ":conc";
    }

    /**
     * Reservations held against a user's balance by requests in flight: a sorted set of
     * {@code <admission token>:<micro-USD>} scored by expiry (epoch ms). Relay only.
     */
    public static String userReservations(long userId) {
        return user(userId) + ":rsv";
    }

    /** Reservations held against a group's spend budgets, as {@link #userReservations}. Relay only. */
    public static String groupReservations(long groupId) {
        return group(groupId) + ":rsv";
    }

    /** The sum (micro-USD) of what a reservation set holds, kept beside it by the relay's scripts. */
    public static String reservationTotal(String reservationSet) {
        return reservationSet + ":total";
    }

    /** Spend counter of a group for a period, e.g. {@code day:2026-11-21}. */
    public static String groupSpend(long groupId, String period) {
        return group(groupId) + ":spend:" + period;
    }

    /**
     * Hash of a user's spend not yet settled into the balance by the ledger: one field per request id
     * (micro-USD) plus {@link #UNSETTLED_TOTAL}. Written by the relay with
     * {@link RedisScripts#RECORD_UNSETTLED}, settled by auth-service with {@link RedisScripts#SETTLE_UNSETTLED}.
     */
    public static String userSpend(long userId) {
        return user(userId) + ":spend";
    }

    /** Field of {@link #userSpend(long)} holding the sum of the unsettled requests. */
    public static final String UNSETTLED_TOTAL = "_total";

    /** Spend counter of a user for a period, e.g. {@code day:2026-11-21} (micro-USD). */
    public static String userPeriodSpend(long userId, String period) {
        return userSpend(userId) + ":" + period;
    }

    /** Finished requests of a tenant key in one clock minute (epoch minute). */
    public static String minuteRequests(long userId, long apiKeyId, long epochMinute) {
        return rateWindow(userId, apiKeyId) + ":m:" + epochMinute;
    }

    /**
     * Marker of one usage batch's write into the slot of {@code slotKey} (any key of that slot): each per-slot
     * script of a batch sets its own, so a re-sent batch is a no-op slot by slot.
     */
    public static String batchMarker(String slotKey, String batchId) {
        return "sb:{" + hashTag(slotKey) + "}:batch:" + batchId;
    }

    /** Prefix of every key of one user (and of the user's tenant keys): {@code sb:{u<id>}}. */
    private static String user(long userId) {
        return "sb:{u" + userId + "}";
    }

    /** Prefix of every key of one group: {@code sb:{g<id>}}. */
    private static String group(long groupId) {
        return "sb:{g" + groupId + "}";
    }

    /**
     * The part of a key Redis Cluster hashes: what is between the first {@code {} and the next {@code }}
     * when that is not empty, else the whole key.
     */
    public static String hashTag(String key) {
        int[] range = tagRange(key);
        return key.substring(range[0], range[1]);
    }

    /** The Redis Cluster hash slot of a key: CRC16 (XMODEM) of its {@link #hashTag} (UTF-8) modulo 16384. */
    public static int slot(String key) {
        int[] range = tagRange(key);
        int crc = 0;
        for (int i = range[0]; i < range[1]; i++) {
            char c = key.charAt(i);
            if (c >= 0x80) { // not ASCII: hash the tag's UTF-8 bytes
                return crc16(key.substring(range[0], range[1]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            crc = crc16(crc, c);
        }
        return (crc & 0xffff) & 16383;
    }

    private static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc = crc16(crc, b & 0xff);
        }
        return (crc & 0xffff) & 16383;
    }

    private static int crc16(int crc, int octet) {
        crc ^= octet << 8;
        for (int i = 0; i < 8; i++) {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        }
        return crc;
    }

    /** Start (inclusive) and end (exclusive) of what {@link #hashTag} returns. */
    private static int[] tagRange(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return new int[] {open + 1, close};
            }
        }
        return new int[] {0, key.length()};
    }
}
