package dev.switchboard.relay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for auth-service's internal snapshot endpoint on 127.0.0.1 (random port). Answers
 * {@link #answers} by key hash, 404 otherwise, or 500 for everything while {@link #down} is set
 * (closes the connection unanswered while {@link #unreachable} is set).
 * Counts calls and records the service token it received. While {@link #hold} is set, answers (chosen when the
 * call arrives) wait for it to complete.
 */
public class AuthServiceStub implements QuarkusTestResourceLifecycleManager {

    public static final Map<String, String> answers = new ConcurrentHashMap<>();
    public static final AtomicInteger calls = new AtomicInteger();
    public static volatile boolean down;
    /** Drops every connection without an answer, as an unreachable auth-service would look. */
    public static volatile boolean unreachable;
    public static volatile String lastToken;
    public static volatile java.util.concurrent.CompletableFuture<Void> hold;
    /** Completed with each call's key hash as it arrives (a test waits on it to know a lookup is in flight). */
    public static volatile java.util.concurrent.CompletableFuture<String> arrived = new java.util.concurrent.CompletableFuture<>();

    /** Holds every answer from now until the returned future completes; {@link #arrived} is reset to wait on. */
    public static java.util.concurrent.CompletableFuture<Void> holdAnswers() {
        arrived = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> h = new java.util.concurrent.CompletableFuture<>();
        hold = h;
        return h;
    }

    private Vertx vertx;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            calls.incrementAndGet();
            lastToken = req.getHeader("x-switchboard-service-token");
            String prefix = "/internal/v1/auth-snapshots/";
            if (unreachable) {
                req.connection().close();
                return;
            }
            if (down) {
                req.response().setStatusCode(500).end();
                return;
            }
            String path = req.path();
            String sha = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
            String body = answers.get(sha); // read now, as auth-service reads PostgreSQL before it answers
            arrived.complete(sha);
            java.util.concurrent.CompletableFuture<Void> h = hold;
            if (h != null) {
                io.vertx.core.Context ctx = vertx.getOrCreateContext();
                h.whenComplete((v, e) -> ctx.runOnContext(x -> answer(req, body)));
                return;
            }
            answer(req, body);
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("auth-service stub did not start", e);
        }
        return Map.of("switchboard.auth.service-url", "http://127.0.0.1:" + server.actualPort());
    }

    private static void answer(io.vertx.core.http.HttpServerRequest req, String body) {
        if (body == null) {
            req.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end("{\"v\":1,\"version\":0,\"notFound\":true}");
        } else {
            req.response().putHeader("content-type", "application/json").end(body);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
