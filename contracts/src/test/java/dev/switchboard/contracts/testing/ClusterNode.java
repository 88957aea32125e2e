package dev.switchboard.contracts.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * A one-node Redis Cluster of the test's own ({@link RedisServerProcess} with {@code cluster-enabled yes}, every slot
 * on this node, a free port). It enforces what a real cluster does to a script or multi-key command whose keys hash
 * to different slots (CROSSSLOT), while a standalone client needs no redirects. Shared by the services' tests.
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
        port = RedisServerProcess.freePort();
        try {
            var dir = Files.createTempDirectory("sb-cluster-node");
            process = RedisServerProcess.start(port, dir, "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes.conf").toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterNode::stop));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean slots = false;
        while (System.nanoTime() < deadline) {
            if (!slots) {
                slots = "OK".equals(cli("CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
            } else if (cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
                return port;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new IllegalStateException("the cluster node on " + port + " did not become ready");
    }

    /** {@code redis://127.0.0.1:<port>} (a cluster node has database 0 only). */
    public static String url() {
        return "redis://127.0.0.1:" + start();
    }

    public static synchronized void stop() {
        RedisServerProcess.stop(process);
        process = null;
    }

    /** Runs redis-cli against the node; its output, trimmed ("" when it could not connect). */
    public static String cli(String... args) {
        String out = RedisServerProcess.cli(port, args);
        return out == null ? "" : out;
    }
}
