package dev.switchboard.relay.limits;

import static dev.switchboard.relay.limits.LimitFixtures.group;
import static dev.switchboard.relay.limits.LimitFixtures.key;
import static dev.switchboard.relay.limits.LimitFixtures.unlimitedGroup;
import static dev.switchboard.relay.limits.LimitFixtures.usd;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Latency of {@link LimitService#admit}, run by {@code bench/relay/limits-admit.sh} only
 * ({@code -Dsb.bench=true}); prints percentiles, asserts nothing.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "sb.bench", matches = "true")
class AdmitBenchmark {

    private static final int WARMUP = 2_000;
    private static final int N = 20_000;

    @Inject
    LimitService limits;

    @Test
    void admitLatency() {
        ApiKeySnapshot unlimited = key(null, null, null, unlimitedGroup());
        ApiKeySnapshot full = key(1_000_000, 100_000, usd("1000000"),
                group(usd("1000000"), usd("1000000"), usd("1000000")), group(usd("1000000"), null, null));
        report("no limits (0 round trips), sequential", sequential(unlimited));
        report("rpm+concurrency+3 budgets+balance, sequential", sequential(full));
        for (int inFlight : new int[] {4, 32}) {
            long degraded = limits.degradedDecisions();
            report("rpm+concurrency+3 budgets+balance, " + inFlight + " in flight", concurrent(full, inFlight));
            System.out.printf("BENCH decided without Redis (pool/timeouts): %d%n", limits.degradedDecisions() - degraded);
        }
    }

    private List<Long> sequential(ApiKeySnapshot key) {
        for (int i = 0; i < WARMUP; i++) {
            limits.admit(key, "w" + i).await().atMost(Duration.ofSeconds(5)).lease().release();
        }
        List<Long> nanos = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            long t = System.nanoTime();
            Admission a = limits.admit(key, "s" + i).await().atMost(Duration.ofSeconds(5));
            nanos.add(System.nanoTime() - t);
            a.lease().release();
        }
        return nanos;
    }

    private List<Long> concurrent(ApiKeySnapshot key, int inFlight) {
        ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        Multi.createFrom().range(0, N).onItem().transformToUni(i -> {
            long t = System.nanoTime();
            return limits.admit(key, "c" + i).invoke(a -> {
                nanos.add(System.nanoTime() - t);
                a.lease().release();
            });
        }).merge(inFlight).collect().last().await().atMost(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH throughput with %d in flight: %.0f admissions/s%n", inFlight, N / seconds);
        return new ArrayList<>(nanos);
    }

    private static void report(String label, List<Long> nanos) {
        Collections.sort(nanos);
        System.out.printf("BENCH admit [%s] n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms%n", label, nanos.size(),
                nanos.get(nanos.size() / 2) / 1e6, nanos.get(nanos.size() * 9 / 10) / 1e6, nanos.get(nanos.size() * 99 / 100) / 1e6,
                nanos.get(nanos.size() - 1) / 1e6);
    }
}
