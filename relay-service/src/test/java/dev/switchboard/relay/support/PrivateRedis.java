package dev.switchboard.relay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own (Debian's {@code redis-server}, no persistence, random free port),
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
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started (apt-get install redis-server)", e);
        }
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
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Redis stops answering every client (this test's included) for {@code ms}. */
    public static void pause(long ms) {
        cli("CLIENT", "PAUSE", Long.toString(ms), "ALL");
    }

    public static void unpause() {
        cli("CLIENT", "UNPAUSE");
    }

    private static void cli(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "redis-cli";
        cmd[1] = "-p";
        cmd[2] = Integer.toString(port);
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || !"OK".equals(out)) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + ": " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        stopServer();
    }
}
