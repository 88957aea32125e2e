package dev.switchboard.relay.auth;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.contracts.auth.TenantKeys;
import dev.switchboard.contracts.events.AuthEvent;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.store.AuthStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Tenant key authentication: key → SHA-256 → L1 → Redis → auth-service. Kept fresh by
 * {@code sb:auth:events} and by polling {@code sb:auth:epoch}, which flushes L1 whenever the counter
 * moved more than the messages received explain (a lost message).
 */
@ApplicationScoped
public class TenantAuthenticator {

    private static final Logger LOG = Logger.getLogger(TenantAuthenticator.class);
    /** An epoch jump beyond this between two polls flushes without counting messages. */
    private static final long MAX_EPOCH_GAP = 10_000;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final AuthCache cache;
    private final AuthStore store;
    private final AuthServiceClient authService;
    private final LookupLimiter limiter;
    private final Vertx vertx;
    private final RelayConfig.Auth config;

    /** Messages without an epoch (older publishers) since the last poll: each covers one unknown epoch move. */
    private final AtomicLong eventsSincePoll = new AtomicLong();
    /** Epoch moves heard of by message and not yet matched by a poll. */
    private final ConcurrentSkipListSet<Long> heardEpochs = new ConcurrentSkipListSet<>();
    private volatile long lastEpoch = Long.MIN_VALUE;
    private volatile Cancellable subscription;
    private long pollTimer = -1;

    public TenantAuthenticator(AuthCache cache, AuthStore store, AuthServiceClient authService, LookupLimiter limiter,
            Vertx vertx, RelayConfig config) {
        this.cache = cache;
        this.store = store;
        this.authService = authService;
        this.limiter = limiter;
        this.vertx = vertx;
        this.config = config.auth();
    }

    void start(@Observes StartupEvent event) {
        subscribe();
        pollTimer = vertx.setPeriodic(config.epochPoll().toMillis(), id -> pollEpoch());
    }

    void stop(@Observes ShutdownEvent event) {
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private void subscribe() {
        subscription = store.events()
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(this::onEvent, err -> LOG.warnf("auth event subscription ended: %s", err.getMessage()));
    }

    void onEvent(AuthEvent event) {
        if (event.epoch() > 0) {
            heardEpochs.add(event.epoch());
        } else {
            eventsSincePoll.incrementAndGet();
        }
        if (event.keyHashes() == null || event.keyHashes().isEmpty()) {
            // an event that does not say which keys it touches: drop everything to be safe
            cache.invalidateAll();
        } else {
            cache.invalidate(event.keyHashes());
        }
    }

    private final AtomicBoolean polling = new AtomicBoolean();

    /** One poll at a time, each bounded by the poll interval; a failed one is retried by the next tick. */
    private void pollEpoch() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        store.epoch(config.epochPoll()).subscribe().with(epoch -> {
            polling.set(false);
            onEpoch(epoch);
        }, err -> {
            polling.set(false);
            LOG.debugf("auth epoch poll failed: %s", err.getClass().getSimpleName());
        });
    }

    /**
     * Flushes L1 when the epoch moved by a change whose message this replica did not hear: every move in
     * (previous, epoch] must be matched by a message carrying that epoch (or, for messages without one, by
     * their count). A message that arrives after its move was polled matches nothing later.
     */
    void onEpoch(long epoch) {
        long previous = lastEpoch;
        lastEpoch = epoch;
        long unnumbered = eventsSincePoll.getAndSet(0);
        if (previous == Long.MIN_VALUE || epoch == previous) {
            heardEpochs.headSet(epoch, true).clear();
            return;
        }
        if (epoch < previous || epoch - previous > MAX_EPOCH_GAP) {
            heardEpochs.headSet(epoch, true).clear();
            flush(previous, epoch);
            return;
        }
        List<Long> unheard = new ArrayList<>();
        for (long e = previous + 1; e <= epoch; e++) {
            if (!heardEpochs.remove(e)) {
                unheard.add(e);
            }
        }
        heardEpochs.headSet(epoch, true).clear();
        if (unheard.size() <= unnumbered) {
            return;
        }
        // the epoch is bumped before its message is published, and the two reach this replica on different
        // connections: a message may land a little after the poll. What is still unheard after the grace is lost.
        vertx.setTimer(graceMs(), t -> {
            long lost = unheard.stream().filter(e -> !heardEpochs.remove(e)).count();
            if (lost > unnumbered) {
                flush(previous, epoch);
            }
        });
    }

    /** How long after a poll a message for a polled epoch still counts as heard: 250 ms, at most half a poll. */
    long graceMs() {
        return Math.max(1, Math.min(250, config.epochPoll().toMillis() / 2));
    }

    private void flush(long previous, long epoch) {
        LOG.infof("auth epoch moved %d -> %d with invalidation messages missing: flushing the key cache", previous, epoch);
        cache.invalidateAll();
    }

    /**
     * Key from Authorization: Bearer, x-api-key or x-goog-api-key; fails with {@link TenantAuthException}. Reads
     * headers only, so it runs before the body. A key without the tenant key format is refused without any lookup;
     * a key that needs one (not fresh in L1) takes a token of the client address's {@link LookupLimiter} first.
     */
    public Uni<ApiKeySnapshot> authenticate(HttpServerRequest request) {
        String key = extractKey(request);
        if (key == null) {
            return Uni.createFrom().failure(TenantAuthException.invalidKey(
                    "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key'"));
        }
        if (!TenantKeys.wellFormed(key)) {
            return Uni.createFrom().failure(TenantAuthException.invalidKey("Invalid API key"));
        }
        String sha = sha256Hex(key);
        String client = clientAddress(request);
        AuthCache.Cached cached = cache.fresh(sha);
        if (cached != null) {
            try {
                return Uni.createFrom().item(check(cached, client));
            } catch (TenantAuthException e) {
                return Uni.createFrom().failure(e);
            }
        }
        Lookup running = lookups.get(sha);
        if (running != null && cache.unchangedSince(sha, running.ticket())) {
            return Uni.createFrom().completionStage(running.result()).map(c -> check(c, client));
        }
        long wait = limiter.acquire(client, System.currentTimeMillis());
        if (wait > 0) {
            return Uni.createFrom().failure(TenantAuthException.tooManyFailures(wait));
        }
        Lookup mine = new Lookup(cache.ticket(), new CompletableFuture<>());
        Lookup shared = lookups.compute(sha, (k, cur) -> cur != null && cache.unchangedSince(k, cur.ticket()) ? cur : mine);
        if (shared != mine) { // another request of the key started a lookup meanwhile
            limiter.release(client);
            return Uni.createFrom().completionStage(shared.result()).map(c -> check(c, client));
        }
        load(sha, mine.ticket()).subscribe().with(c -> {
            lookups.remove(sha, mine);
            mine.result().complete(c);
        }, err -> {
            lookups.remove(sha, mine);
            mine.result().completeExceptionally(err);
        });
        return Uni.createFrom().completionStage(mine.result()).onItemOrFailure().invoke((c, err) -> {
            if (err != null || !c.entry().notFound()) {
                limiter.release(client); // found, or could not tell: only unknown keys use up the address's lookups
            }
        }).map(c -> check(c, client));
    }

    /** A key lookup in flight, started at {@code ticket}: requests of the same key arriving meanwhile share it. */
    private record Lookup(long ticket, CompletableFuture<AuthCache.Cached> result) {
    }

    /**
     * One lookup per key at a time. A request joins the running one only while no invalidation of that key (nor
     * a flush) came after it started, so nobody is answered from a read that predates a revocation it could see.
     */
    private final ConcurrentHashMap<String, Lookup> lookups = new ConcurrentHashMap<>();

    /**
     * Redis, then auth-service. When Redis fails or does not answer in time and this replica still holds an
     * entry for the key (however old, up to stale-ttl), that entry answers at once and auth-service refreshes
     * it in the background: a hung Redis must not hold the requests of tenants the relay already knows.
     */
    private Uni<AuthCache.Cached> load(String sha, long ticket) {
        if (store.knownDown()) {
            AuthCache.Cached stale = cache.stale(sha);
            if (stale != null) {
                refreshInBackground(sha);
                return Uni.createFrom().item(stale);
            }
        }
        return store.get(sha)
                .onItemOrFailure().transformToUni((entry, err) -> {
                    if (entry != null) {
                        return Uni.createFrom().item(entry);
                    }
                    AuthCache.Cached stale = err == null ? null : cache.stale(sha);
                    if (stale != null) {
                        refreshInBackground(sha);
                        return Uni.createFrom().item(stale.entry());
                    }
                    return authService.fetch(sha);
                })
                .map(entry -> {
                    AuthCache.Cached stale = cache.stale(sha);
                    if (stale != null && stale.entry() == entry) {
                        return stale; // fallback answer: keep its original age
                    }
                    return cache.put(sha, entry, ticket);
                });
    }

    private final java.util.Set<String> refreshing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One auth-service lookup per key at a time, its answer cached; failures leave the stale entry. */
    private void refreshInBackground(String sha) {
        if (!refreshing.add(sha)) {
            return;
        }
        long ticket = cache.ticket();
        authService.fetch(sha).subscribe().with(entry -> {
            refreshing.remove(sha);
            AuthCache.Cached stale = cache.stale(sha);
            if (stale == null || stale.entry() != entry) {
                cache.put(sha, entry, ticket);
            }
        }, err -> refreshing.remove(sha));
    }

    private static ApiKeySnapshot check(AuthCache.Cached cached, String clientAddress) {
        AuthCacheEntry entry = cached.entry();
        ApiKeySnapshot k = entry.snapshot();
        if (entry.notFound() || k == null) {
            throw TenantAuthException.invalidKey("Invalid API key");
        }
        if (ApiKeySnapshot.REVOKED.equals(k.status())) {
            throw TenantAuthException.forbidden("key_revoked", "This API key has been revoked");
        }
        if (!ApiKeySnapshot.ACTIVE.equals(k.status())) {
            throw TenantAuthException.forbidden("key_disabled", "This API key is disabled");
        }
        if (k.expiresAt() != null && !k.expiresAt().isAfter(Instant.now())) {
            throw TenantAuthException.forbidden("key_expired", "This API key has expired");
        }
        if (k.user() != null && !"active".equals(k.user().status())) {
            throw TenantAuthException.forbidden("user_disabled", "The user owning this API key is disabled");
        }
        if (k.group() != null && !"active".equals(k.group().status())) {
            throw TenantAuthException.forbidden("group_disabled", "The group of this API key is disabled");
        }
        IpRules rules = cached.ipRules();
        if (rules != null && rules.unusable() != null) {
            throw TenantAuthException.forbidden("ip_rules_unusable",
                    "The IP rules of this API key cannot be applied; it is refused until an administrator corrects them");
        }
        if (rules != null && !rules.isEmpty() && !rules.permits(clientAddress)) {
            throw TenantAuthException.forbidden("ip_not_allowed", "Requests from this address are not allowed for this API key");
        }
        return k;
    }

    static String extractKey(HttpServerRequest request) {
        String auth = request.getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String k = auth.substring(7).trim();
            if (!k.isEmpty()) {
                return k;
            }
        }
        String k = request.getHeader("x-api-key");
        if (k == null || k.isBlank()) {
            k = request.getHeader("x-goog-api-key");
        }
        return k == null || k.isBlank() ? null : k.trim();
    }

    /**
     * The client address for the IP rules. With {@code trustedProxyHops} = 0 the peer address, and
     * X-Forwarded-For is ignored (a client cannot spoof it). With n hops, the n-th X-Forwarded-For entry
     * from the right — the address the outermost trusted proxy saw; entries further left were written
     * by the client and are ignored. Several header lines count as one comma-separated list, in order
     * (RFC 9110 5.3), so a proxy that appends its own line cannot be bypassed by a client-sent line.
     */
    String clientAddress(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return clientAddress(peer, request.headers().getAll("x-forwarded-for"), config.trustedProxyHops());
    }

    /**
     * The address the outermost trusted proxy saw: the {@code hops}-th entry from the right of the
     * X-Forwarded-For lines read as one list. Fewer entries than trusted hops means the chain is not the
     * one configured, so the peer address counts, never an entry the client may have written itself.
     */
    static String clientAddress(String peer, java.util.List<String> lines, int hops) {
        if (hops <= 0 || lines == null || lines.isEmpty()) {
            return peer;
        }
        String xff = lines.size() == 1 ? lines.get(0) : String.join(",", lines);
        if (xff.isBlank()) {
            return peer;
        }
        String[] parts = xff.split(",");
        if (parts.length < hops) {
            return peer;
        }
        String address = parts[parts.length - hops].trim();
        return address.isEmpty() ? peer : address;
    }

    public static String sha256Hex(String key) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Number of entries in L1, for diagnostics. */
    public long cachedKeys() {
        return cache.size();
    }
}
