package dev.switchboard.contracts.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Redis Cluster of the test's own (Debian's {@code redis-server} with {@code cluster-enabled yes}, every
 * slot on this node, no persistence, a free port). It enforces what a real cluster does to a script or multi-key
 * command whose keys hash to different slots (CROSSSLOT, and a script touching an undeclared key of another slot
 * fails), while a standalone client needs no redirects. Shared by the services' tests.
 */
public final class ClusterNode {

    private static Process process;
    private static int port;

    private ClusterNode() {
    }

    /** Starts the node once per JVM; returns its port. */
    public static synchronized int start() {
        if (process != null && process.isAlive()) {
            return port;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            Path dir = Files.createTempDirectory("sb-cluster-node");
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started (apt-get install redis-server)", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterNode::stop));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean slots = false;
        while (System.nanoTime() < deadline) {
            if (!slots) {
                slots = cli("CLUSTER", "ADDSLOTSRANGE", "0", "16383").equals("OK");
            } else if (cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
                return port;
            }
            sleep(50);
        }
        throw new IllegalStateException("the cluster node on " + port + " did not become ready");
    }

    /** {@code redis://127.0.0.1:<port>} (a cluster node has database 0 only). */
    public static String url() {
        return "redis://127.0.0.1:" + start();
    }

    public static synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Runs redis-cli against the node; its output, trimmed ("" when it could not connect). */
    public static String cli(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "redis-cli";
        cmd[1] = "-p";
        cmd[2] = Integer.toString(port);
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
