package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/redis/hash-tags.sh} against a real Redis (database 11 of 127.0.0.1:6379, emptied first): the state
 * worth keeping moves to the hash-tagged names and merges with what is there already; a second run moves nothing.
 */
class RedisHashTagsScriptTest {

    private static final String DB = "11";

    @BeforeEach
    void empty() {
        cli("FLUSHDB");
    }

    @Test
    void spendAndTheCatalogMoveAndMergeAndASecondRunMovesNothing() {
        cli("HSET", "sb:spend:user:5", "r1", "100", "r2", "250", "_total", "350");
        cli("PEXPIRE", "sb:spend:user:5", "600000");
        cli("HSET", "sb:{u5}:spend", "r3", "50", "r1", "100", "_total", "150"); // a new relay recorded r1 as well
        cli("SET", "sb:spend:user:5:day:2026-12-04", "700", "EX", "3600");
        cli("SET", "sb:{u5}:spend:day:2026-12-04", "30");
        cli("SET", "sb:spend:group:9:month:2026-12", "1234", "EX", "7200");
        cli("SET", "sb:catalog:snapshot", "{\"v\":1}");
        cli("SET", "sb:catalog:version", "42");
        cli("SET", "sb:rl:key:3:w:1", "5"); // expires on its own: left alone

        assertThat(run()).contains("moved 5 keys");
        assertThat(run()).contains("moved 0 keys");

        assertThat(cli("--scan").lines().sorted().toList()).containsExactly("sb:rl:key:3:w:1", "sb:{catalog}:snapshot",
                "sb:{catalog}:version", "sb:{g9}:spend:month:2026-12", "sb:{u5}:spend", "sb:{u5}:spend:day:2026-12-04");
        assertThat(cli("HGET", "sb:{u5}:spend", "_total")).isEqualTo("400"); // r1 once, r2, r3
        assertThat(cli("HGET", "sb:{u5}:spend", "r2")).isEqualTo("250");
        assertThat(Long.parseLong(cli("PTTL", "sb:{u5}:spend"))).isGreaterThan(500_000);
        assertThat(cli("GET", "sb:{u5}:spend:day:2026-12-04")).isEqualTo("730");
        assertThat(Long.parseLong(cli("TTL", "sb:{u5}:spend:day:2026-12-04"))).isGreaterThan(3000);
        assertThat(cli("GET", "sb:{g9}:spend:month:2026-12")).isEqualTo("1234");
        assertThat(cli("GET", "sb:{catalog}:version")).isEqualTo("42");
    }

    private static String run() {
        return exec(List.of("bash", Kustomize.root().resolve("deploy/redis/hash-tags.sh").toString(), "-n", DB));
    }

    private static String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-n", DB));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
