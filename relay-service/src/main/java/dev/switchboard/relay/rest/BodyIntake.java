package dev.switchboard.relay.rest;

import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.dialect.Dialect;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads tenant request bodies, after authentication, within three bounds: the per-request size
 * ({@code max-body-bytes}, 413), the bytes every in-flight request holds together
 * ({@code max-buffered-body-bytes}, 503 with Retry-After; held from the first byte read until the response
 * is disposed) and the time the whole body may take ({@code body-timeout}, 408). A body with a
 * Content-Length reserves that many bytes at once and is read into one array of that size (no growing
 * buffer, no final copy); a chunked one reserves chunk by chunk.
 *
 * <p>A refusal sent before the whole body arrived ({@link #refuse}) drops the rest of the body as it comes
 * for {@code refusal-linger} and then closes the connection (HTTP/2: resets the stream): nothing of it is kept,
 * and the client reads its answer instead of a reset.
 */
@ApplicationScoped
public class BodyIntake {

    private final Vertx vertx;
    private final int maxBody;
    private final long maxBuffered;
    private final long timeoutMs;
    private final long lingerMs;
    private final AtomicLong held = new AtomicLong();

    public BodyIntake(Vertx vertx, RelayConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.maxBody = config.request().maxBodyBytes();
        this.maxBuffered = config.request().maxBufferedBodyBytes();
        this.timeoutMs = Math.max(1, config.request().bodyTimeout().toMillis());
        this.lingerMs = Math.max(1, config.request().refusalLinger().toMillis());
        Gauge.builder("switchboard.relay.request.body.held", held, AtomicLong::get).baseUnit("bytes")
                .description("Request body bytes held in memory by in-flight tenant requests").register(registry);
    }

    /** Bytes held right now by every in-flight request. */
    public long held() {
        return held.get();
    }

    private boolean reserve(long n) {
        if (held.addAndGet(n) <= maxBuffered) {
            return true;
        }
        held.addAndGet(-n);
        return false;
    }

    /** One body being read; confined to the request's event loop. */
    private final class Read {
        final RoutingContext rc;
        final Dialect protocol;
        final byte[] fixed; // Content-Length known: the body's final array
        final Buffer growing; // chunked
        int length;
        long reserved;
        boolean done;
        long timer = -1;

        Read(RoutingContext rc, Dialect protocol, long declared) {
            this.rc = rc;
            this.protocol = protocol;
            this.fixed = declared >= 0 ? new byte[(int) declared] : null;
            this.growing = declared >= 0 ? null : Buffer.buffer();
        }

        void release() {
            if (reserved > 0) {
                held.addAndGet(-reserved);
                reserved = 0;
            }
        }

        void stop(int status, String code, String message) {
            done = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            release();
            if (rc.request().version() != HttpVersion.HTTP_2) {
                rc.response().putHeader("connection", "close");
            }
            refuse(rc, protocol, status, code, message);
        }
    }

    /**
     * Reads the body (the request must be paused until now) and hands it over complete; answers itself when a
     * bound is crossed.
     */
    void read(RoutingContext rc, Dialect protocol, Consumer<byte[]> then) {
        HttpServerRequest req = rc.request();
        long declared = declaredLength(req);
        if (declared > 0 && !reserve(declared)) {
            refuse(rc, protocol, 503, "server_overloaded",
                    "The relay is holding as many request bodies as it may; retry shortly");
            return;
        }
        Read r = new Read(rc, protocol, declared);
        r.reserved = Math.max(0, declared);
        rc.addEndHandler(v -> r.release());
        r.timer = vertx.setTimer(timeoutMs, id -> {
            r.timer = -1;
            if (!r.done) {
                r.stop(408, "request_timeout", "The request body did not arrive within " + timeoutMs + " ms");
            }
        });
        req.handler(chunk -> {
            if (r.done) {
                return;
            }
            int n = chunk.length();
            if (r.length + n > maxBody) {
                r.stop(413, "request_too_large", "Request body is larger than the limit of " + maxBody + " bytes");
                return;
            }
            if (r.fixed != null) {
                if (r.length + n > r.fixed.length) {
                    r.stop(400, "invalid_request", "Request body is longer than its Content-Length");
                    return;
                }
                chunk.getBytes(0, n, r.fixed, r.length);
            } else {
                if (!reserve(n)) {
                    r.stop(503, "server_overloaded", "The relay is holding as many request bodies as it may; retry shortly");
                    return;
                }
                r.reserved += n;
                r.growing.appendBuffer(chunk);
            }
            r.length += n;
        });
        req.exceptionHandler(err -> {
            r.done = true;
            if (r.timer >= 0) {
                vertx.cancelTimer(r.timer);
            }
            r.release();
        });
        req.endHandler(v -> {
            if (r.done) {
                return;
            }
            r.done = true;
            vertx.cancelTimer(r.timer);
            byte[] raw = r.fixed == null ? r.growing.getBytes()
                    : r.length == r.fixed.length ? r.fixed : Arrays.copyOf(r.fixed, r.length);
            then.accept(raw);
        });
        req.resume();
    }

    /** The Content-Length precheck already validated (at most max-body-bytes), or -1 when the body is chunked. */
    private static long declaredLength(HttpServerRequest req) {
        String length = req.getHeader("content-length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Answers a request whose body was not (completely) read: the rest of the body is dropped as it arrives, and
     * the connection is closed when the body has not ended within {@code refusal-linger}. A request whose body
     * ends in time keeps its connection (unless the answer said {@code connection: close}).
     */
    void refuse(RoutingContext rc, Dialect protocol, int status, String code, String message) {
        HttpServerRequest req = rc.request();
        HttpServerResponse out = rc.response();
        if (!req.isEnded()) {
            long linger = vertx.setTimer(lingerMs, id -> closeUnlessEnded(req));
            boolean closeAtEnd = "close".equalsIgnoreCase(out.headers().get("connection"));
            req.handler(chunk -> {
            });
            req.exceptionHandler(err -> vertx.cancelTimer(linger));
            req.endHandler(v -> {
                vertx.cancelTimer(linger);
                if (closeAtEnd) {
                    abandon(req);
                }
            });
            req.resume();
        }
        TenantRoutes.error(out, protocol, status, code, message);
    }

    private static void closeUnlessEnded(HttpServerRequest req) {
        if (!req.isEnded()) {
            abandon(req);
        }
    }

    /** HTTP/1.x: closes the connection; HTTP/2: resets only this request's stream (others share the connection). */
    private static void abandon(HttpServerRequest req) {
        if (req.version() == HttpVersion.HTTP_2) {
            req.response().reset(8); // CANCEL
        } else {
            req.connection().close();
        }
    }
}
