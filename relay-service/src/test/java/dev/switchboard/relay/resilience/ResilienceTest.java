package dev.switchboard.relay.resilience;

import dev.switchboard.relay.support.Management;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.AuthServiceStub;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.PrivateRedis;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against its dependencies failing one at a time — Redis paused ({@code CLIENT PAUSE}), Redis
 * down, auth-service down, catalog-service down — asserting what tenants see and that service heals.
 * Runs on a redis-server of its own ({@link PrivateRedis}): pausing the shared one would stall other runs.
 * Each case prints its figures (status counts, p99), quoted in the relay README.
 */
@QuarkusTest
@TestProfile(ResilienceTest.Profile.class)
@QuarkusTestResource(AuthServiceStub.class)
class ResilienceTest extends RelayTestBase {

    /** L1 fresh for 1 s: during a pause of several seconds every cached tenant's entry comes due for a refresh. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.auth.positive-ttl", "1s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrivateRedis.class));
        }
    }

    private String model;
    private String plain;
    private String metered;

    @BeforeEach
    void tenants() {
        model = Fixture.unique("res-model");
        fx.publish(List.of(Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                List.of(Fixture.providerKey("main", "up-a")), List.of(Fixture.model(model, "gpt-upstream")))),
                List.of(), List.of(), List.of());
        plain = fx.tenant();
        long uid = Fixture.id();
        UserSnapshot payer = new UserSnapshot(uid, "payer-" + uid, "active", "user", new BigDecimal("100"), null, 1);
        metered = fx.seedKey(Fixture.key(Fixture.group(List.of(), Map.of()), payer, ApiKeySnapshot.ACTIVE, null,
                List.of(), List.of()));
        assertThat(chat(plain).statusCode()).isEqualTo(200);
        assertThat(chat(metered).statusCode()).isEqualTo(200);
        assertThat(Management.given().when().get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    @AfterEach
    void heal() {
        PrivateRedis.unpause();
        PrivateRedis.startServer();
        AuthServiceStub.unreachable = false;
    }

    private Response chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .when().post("/v1/chat/completions");
    }

    /** Status counts and latencies of {@code n} requests alternating between the two tenants. */
    private Figures run(int n) {
        return run(n, Long.MAX_VALUE);
    }

    /** At most {@code n} requests, none started after {@code untilNanos}. */
    private Figures run(int n, long untilNanos) {
        Figures f = new Figures();
        for (int i = 0; i < n && System.nanoTime() < untilNanos; i++) {
            long t0 = System.nanoTime();
            int status = chat(i % 2 == 0 ? plain : metered).statusCode();
            f.add(status, (System.nanoTime() - t0) / 1_000_000);
        }
        return f;
    }

    static final class Figures {
        final Map<Integer, Integer> statuses = new TreeMap<>();
        final List<Long> millis = new ArrayList<>();

        void add(int status, long ms) {
            statuses.merge(status, 1, Integer::sum);
            millis.add(ms);
        }

        long p99() {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1));
        }

        @Override
        public String toString() {
            return "statuses=" + statuses + " p99=" + p99() + "ms max=" + Collections.max(millis) + "ms";
        }
    }

    private long readyMillis(int[] status) {
        long t0 = System.nanoTime();
        status[0] = Management.given().when().get("/q/health/ready").statusCode();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void redisPausedLeavesTheRelayReadyAndCachedTenantsServedFast() {
        Figures baseline = run(30);
        Fixture.sleep(1_100); // both tenants' L1 entries are past their freshness: the next request asks Redis
        PrivateRedis.pause(8_000);
        long pausedAt = System.nanoTime();
        int[] ready = new int[1];
        long readyMs = readyMillis(ready);
        Figures f = run(200, pausedAt + 5_000_000_000L);
        long readyAgainMs = readyMillis(ready);
        System.out.printf("resilience redis-paused: %s readiness=%d in %d/%d ms; unpaused baseline %s%n", f, ready[0],
                readyMs, readyAgainMs, baseline);

        assertThat(ready[0]).isEqualTo(200);
        assertThat(Math.max(readyMs, readyAgainMs)).isLessThan(1_000);
        assertThat(f.statuses).containsOnlyKeys(200);
        // 300 ms over what the same machine gives without the pause (the build hosts are shared and loaded)
        assertThat(f.p99()).isLessThan(300 + baseline.p99());
        assertThat((System.nanoTime() - pausedAt) / 1_000_000).as("measured while Redis was paused").isLessThan(8_000);

        PrivateRedis.unpause();
        Fixture.sleep(1_200); // past limits.redis-retry-interval: admissions ask Redis again
        assertThat(run(6).statuses).containsOnlyKeys(200);
        assertThat(Management.given().when().get("/q/health/ready").statusCode()).isEqualTo(200);
    }
}
