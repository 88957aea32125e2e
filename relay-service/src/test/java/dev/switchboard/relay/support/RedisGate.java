package dev.switchboard.relay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP gate in front of the test Redis (127.0.0.1:6379) on a random port, so a test can make Redis
 * unreachable for the relay and bring it back: {@link #cut()} stops listening and drops every open
 * connection (new ones are refused), {@link #restore()} listens again on the same port. Use it only from
 * a {@code @TestProfile}: the relay's Redis client is pointed at the gate.
 */
public class RedisGate implements QuarkusTestResourceLifecycleManager {

    private static Vertx vertx;
    private static NetClient client;
    private static volatile NetServer server;
    private static volatile int port;
    private static final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        client = vertx.createNetClient();
        listen(0);
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port + "/3");
    }

    private static void listen(int onPort) {
        NetServer s = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(onPort).setReuseAddress(true))
                .connectHandler(in -> {
                    in.pause();
                    sockets.add(in);
                    client.connect(6379, "127.0.0.1").onComplete(ar -> {
                        if (ar.failed()) {
                            in.close();
                            return;
                        }
                        NetSocket up = ar.result();
                        sockets.add(up);
                        in.handler(up::write);
                        up.handler(in::write);
                        in.closeHandler(v -> {
                            sockets.remove(in);
                            up.close();
                        });
                        up.closeHandler(v -> {
                            sockets.remove(up);
                            in.close();
                        });
                        in.resume();
                    });
                });
        try {
            s.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("redis gate did not listen", e);
        }
        server = s;
        port = s.actualPort();
    }

    /** Redis becomes unreachable: open connections are dropped and new ones refused. */
    public static void cut() {
        NetServer s = server;
        server = null;
        if (s != null) {
            await(s.close());
        }
        for (NetSocket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** Redis is reachable again, on the same port. */
    public static void restore() {
        if (server == null) {
            listen(port);
        }
    }

    private static void await(io.vertx.core.Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
            vertx = null;
        }
    }
}
