package dev.switchboard.mock;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fake OpenAI/Anthropic upstream on plain Vert.x, for tests, the demo and benchmarks.
 * <pre>{@code
 * try (MockProvider mock = MockProvider.start(MockProviderOptions.defaults())) {
 *     // point a client at mock.baseUrl() with key "mock-key"
 *     assertThat(mock.counts().byPath("/v1/chat/completions")).isEqualTo(1);
 * }
 * }</pre>
 * One HTTP server instance runs per available processor, each on its own event loop, all sharing
 * the port. Counts and fault rules are shared by all of them.
 */
public final class MockProvider implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final int port;
    private final String host;
    private final MockCounts counts;
    private final FaultRules rules;
    private final MockHandler handler;
    private volatile boolean closed;

    private MockProvider(Vertx vertx, String host, int port, MockCounts counts, FaultRules rules, MockHandler handler) {
        this.vertx = vertx;
        this.handler = handler;
        this.host = host;
        this.port = port;
        this.counts = counts;
        this.rules = rules;
    }

    /** Starts the server and returns once it is listening. Port 0 picks a free port. */
    public static MockProvider start(MockProviderOptions options) {
        int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(loops)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        MockCounts counts = new MockCounts();
        FaultRules rules = new FaultRules();
        MockHandler handler = new MockHandler(vertx, options.apiKeys(), counts, rules);
        try {
            // Vert.x shares one listening socket between servers asking for the same host:port and spreads
            // connections over their event loops. Port 0 is never shared; a negative port asks for a
            // random port shared by every server asking for that same negative value.
            int requested = options.port() == 0 ? -1 : options.port();
            List<ServerVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
            await(vertx.deployVerticle(() -> {
                ServerVerticle v = new ServerVerticle(handler, options.host(), requested);
                servers.add(v);
                return v;
            }, new DeploymentOptions().setInstances(loops)));
            int port = servers.getFirst().actualPort;
            for (ServerVerticle v : servers) {
                if (v.actualPort != port) {
                    throw new IllegalStateException("server instances bound different ports: " + port + ", " + v.actualPort);
                }
            }
            return new MockProvider(vertx, options.host(), port, counts, rules, handler);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the mock provider", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("mock provider failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("mock provider did not start within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://<host>:<port>}, without {@code /v1} (both prefixed and bare paths are served). */
    public String baseUrl() {
        return "http://" + host + ":" + port;
    }

    /** Live counts (not a copy). */
    public MockCounts counts() {
        return counts;
    }

    public void resetCounts() {
        counts.reset();
    }

    /** Adds a rule after the existing ones; the first matching rule with uses left applies. */
    public void addFault(FaultRule rule) {
        rules.add(java.util.Objects.requireNonNull(rule, "rule"));
    }

    public void clearFaults() {
        rules.clear();
    }

    /** Requests held open by a {@code hang} fault whose client has not gone away yet. */
    int hangingRequests() {
        return handler.hangingRequests();
    }

    /** Stops listening and closes open connections (hanging requests included). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Best effort: a slow shutdown must not fail the caller's test teardown.
        }
    }

    @Override
    public String toString() {
        return "MockProvider[" + baseUrl() + "]";
    }

    private static final class ServerVerticle extends AbstractVerticle {
        private final MockHandler handler;
        private final String host;
        private final int port;
        volatile int actualPort;

        ServerVerticle(MockHandler handler, String host, int port) {
            this.handler = handler;
            this.host = host;
            this.port = port;
        }

        @Override
        public void start(Promise<Void> started) {
            HttpServerOptions options = new HttpServerOptions()
                    .setTcpNoDelay(true)
                    // HTTP/1.1 only: an h2c upgrade would let java.net.http clients multiplex onto one
                    // connection and fail past 100 concurrent streams, which no real upstream does over http.
                    .setHttp2ClearTextEnabled(false)
                    .setCompressionSupported(false)
                    .setIdleTimeout(0)
                    .setMaxHeaderSize(64 * 1024);
            vertx.createHttpServer(options)
                    .requestHandler(handler)
                    .listen(port, host)
                    .onSuccess(server -> {
                        actualPort = server.actualPort();
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }
}
