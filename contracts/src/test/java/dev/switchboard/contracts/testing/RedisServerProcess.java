package dev.switchboard.contracts.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server process of a test's own (Debian's {@code redis-server}: no persistence, 127.0.0.1), and redis-cli
 * against it. What {@link ClusterNode} and the relay's private Redis share.
 */
public final class RedisServerProcess {

    private RedisServerProcess() {
    }

    /** A free TCP port on this machine (free when asked). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts redis-server on {@code port} with its files and log in {@code dir}, plus {@code extraArgs}. */
    public static Process start(int port, Path dir, String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(Arrays.asList(extraArgs));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started (apt-get install redis-server)", e);
        }
    }

    /** Ends the process and waits (bounded) until it has. */
    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs redis-cli against {@code port}; its output, trimmed, or null when it did not exit 0. */
    public static String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
