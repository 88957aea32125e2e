package dev.switchboard.relay.support;

import dev.switchboard.contracts.testing.RedisServerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own ({@link RedisServerProcess}: no persistence, random free port),
 * for tests that pause or stop Redis: the shared Redis on 6379 serves other test runs and must never be
 * paused. {@link #pause} is {@code CLIENT PAUSE … ALL} (Redis accepts connections and commands but answers
 * nothing until the pause ends, the hang measured in issue 14); {@link #stopServer()} / {@link #startServer()}
 * make it go away and come back on the same port (empty: a restarted Redis lost its data too).
 */
public class PrivateRedis implements QuarkusTestResourceLifecycleManager {

    private static volatile Process process;
    private static volatile int port;
    private static Path dir;

    @Override
    public Map<String, String> start() {
        port = RedisServerProcess.freePort();
        try {
            dir = Files.createTempDirectory("sb-private-redis");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        startServer();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port + "/3");
    }

    public static int port() {
        return port;
    }

    public static synchronized void startServer() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = RedisServerProcess.start(port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Fixture.sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port);
    }

    public static synchronized void stopServer() {
        RedisServerProcess.stop(process);
        process = null;
    }

    /** Redis stops answering every client (this test's included) for {@code ms}. */
    public static void pause(long ms) {
        cli("CLIENT", "PAUSE", Long.toString(ms), "ALL");
    }

    public static void unpause() {
        cli("CLIENT", "UNPAUSE");
    }

    private static void cli(String... args) {
        String out = RedisServerProcess.cli(port, args);
        if (!"OK".equals(out)) {
            throw new IllegalStateException("redis-cli " + String.join(" ", args) + ": " + out);
        }
    }

    @Override
    public void stop() {
        stopServer();
    }
}
