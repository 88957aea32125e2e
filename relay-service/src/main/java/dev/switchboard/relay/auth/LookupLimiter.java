package dev.switchboard.relay.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.relay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the key lookups (an L1 miss: Redis, then auth-service and PostgreSQL) a client address can cause
 * with keys that turn out unknown: at most {@code failedLookupLimit} per fixed window of
 * {@code failedLookupWindow}, per replica. A lookup takes a token before it starts and gives it back when
 * the key is found, so concurrent lookups of random keys cannot overshoot the limit. Addresses are held in
 * a bounded cache (an address evicted early only gets a fresh window).
 */
@ApplicationScoped
public class LookupLimiter {

    private static final int MAX_ADDRESSES = 100_000;

    private final int limit;
    private final long windowMs;
    private final Cache<String, Window> windows;

    @jakarta.inject.Inject
    public LookupLimiter(RelayConfig config) {
        this(config.auth().failedLookupLimit(), config.auth().failedLookupWindow().toMillis());
    }

    LookupLimiter(int limit, long windowMs) {
        this.limit = limit;
        this.windowMs = Math.max(1, windowMs);
        this.windows = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES)
                .expireAfterWrite(this.windowMs, TimeUnit.MILLISECONDS).build();
    }

    private static final class Window {
        final long startMs;
        final AtomicInteger used = new AtomicInteger();

        Window(long startMs) {
            this.startMs = startMs;
        }
    }

    /**
     * Takes a lookup token for the address. Returns 0 when the lookup may go ahead, else the seconds (≥ 1) until
     * the address's window ends.
     */
    public long acquire(String address, long nowMs) {
        if (limit <= 0) {
            return 0;
        }
        String key = address == null ? "" : address;
        Window w = windows.get(key, k -> new Window(nowMs));
        if (nowMs - w.startMs >= windowMs) {
            Window fresh = new Window(nowMs);
            windows.asMap().replace(key, w, fresh);
            w = windows.get(key, k -> fresh);
        }
        if (w.used.incrementAndGet() <= limit) {
            return 0;
        }
        w.used.decrementAndGet();
        return Math.max(1, (w.startMs + windowMs - nowMs + 999) / 1000);
    }

    /** The lookup found the key (or could not tell): its token is given back. */
    public void release(String address) {
        if (limit <= 0) {
            return;
        }
        Window w = windows.getIfPresent(address == null ? "" : address);
        if (w != null) {
            w.used.updateAndGet(n -> n > 0 ? n - 1 : 0);
        }
    }
}
