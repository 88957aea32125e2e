package dev.switchboard.relay.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.auth.UserSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.events.UsageEvent;
import dev.switchboard.mock.FaultRule;
import dev.switchboard.relay.limits.SpendPeriod;
import dev.switchboard.relay.store.LimitStore;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.redis.client.Response;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay's side of reconciliation: after a mixed load of one metered tenant — JSON answers, streams, failovers
 * to a second key, streams the client abandons half way — the costs of the usage events on {@code sb:usage} (what
 * the ledger debits, exactly once per usage id) add up to exactly the user's unsettled spend and to the user's and
 * the group's spend counters, and no reservation is left behind.
 */
@QuarkusTest
class ReconciliationTest extends RelayTestBase {

    private String model;

    /** One name on two keys (the first fails ten times: failover), one slow name that streams a chunk every 100 ms. */
    private void catalog() {
        model = Fixture.unique("rec-model");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("rec-prov"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("k1", "up-a"), Fixture.providerKey("k2", "up-b")),
                        List.of(new ModelSnapshot(Fixture.id(), model, "gpt-rec", 128_000, new BigDecimal("3"),
                                new BigDecimal("15"), true))),
                Fixture.provider(Fixture.unique("rec-slow"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("k1", "up-c")),
                        List.of(new ModelSnapshot(Fixture.id(), model + "-slow", "gpt-rec-slow", 128_000,
                                new BigDecimal("3"), new BigDecimal("15"), true)))),
                List.of(), List.of(), List.of());
    }

    private int call(String key, boolean stream, int i) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"request number " + i + " " + "words ".repeat(i % 7) + "\"}]}")
                .post("/v1/chat/completions").statusCode();
    }

    /** Reads a few bytes of a slow stream, then drops the connection: the client went away mid-stream. */
    private void abandon(String key, int i) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Authorization", "Bearer " + key);
        c.setRequestProperty("Content-Type", "application/json");
        c.getOutputStream().write(("{\"model\":\"" + model + "-slow\",\"stream\":true,\"max_tokens\":64,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"abandoned " + i + "\"}]}").getBytes(StandardCharsets.UTF_8));
        try (InputStream in = c.getInputStream()) {
            in.readNBytes(40);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void eventCostsEqualUnsettledSpendAndSpendCountersAfterAMixedLoad() throws Exception {
        catalog();
        mock.addFault(new FaultRule("up-a", "gpt-rec", "status=429;retry-after=1", 10)); // k1 rate-limited ten times: failover
        mock.addFault(new FaultRule("up-c", "gpt-rec-slow", "chunk-delay=100", 100));
        long groupId = Fixture.id();
        GroupSnapshot group = new GroupSnapshot(groupId, "group-" + groupId, "any", "active", "standard",
                new BigDecimal("1.5"), new BigDecimal("1000"), null, null, List.of(), null, null, false, 1);
        UserSnapshot user = new UserSnapshot(Fixture.id(), "u", "active", "user", new BigDecimal("100"), 50, 1);
        ApiKeySnapshot snapshot = Fixture.key(group, user, ApiKeySnapshot.ACTIVE, null, List.of(), List.of());
        String key = fx.seedKey(snapshot);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> work = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int n = i;
            work.add(pool.submit(() -> n % 6 == 5 ? runAbandon(key, n) : call(key, n % 2 == 0, n)));
        }
        int served = 0;
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : work) {
            int status = f.get(60, TimeUnit.SECONDS);
            statuses.add(status);
            if (status == 200) {
                served++;
            }
        }
        pool.shutdown();
        assertThat(served).as("answered requests of the 50 not abandoned: " + statuses).isEqualTo(50);
        assertThat(mock.counts().byKey("up-b")).as("failovers to the second key").isPositive();

        long userId = snapshot.userId();
        Instant now = Instant.now();
        long deadline = System.currentTimeMillis() + 15_000;
        long events;
        long eventMicros;
        do {
            Fixture.sleep(200);
            long[] sum = eventsOf(userId);
            events = sum[0];
            eventMicros = sum[1];
        } while ((events < 60 || reservations(userId) > 0) && System.currentTimeMillis() < deadline);

        assertThat(events).as("one usage event per request").isEqualTo(60);
        assertThat(eventMicros).as("spend of the load").isPositive();
        assertThat(redis.hash(Long.class).hget(RedisKeys.userSpend(userId), LimitStore.UNSETTLED_TOTAL))
                .as("unsettled spend").isEqualTo(eventMicros);
        assertThat(redis.value(Long.class).get(RedisKeys.userPeriodSpend(userId, SpendPeriod.DAY.id(now))))
                .as("the user's spend today").isEqualTo(eventMicros);
        assertThat(redis.value(Long.class).get(RedisKeys.groupSpend(groupId, SpendPeriod.DAY.id(now))))
                .as("the group's spend today").isEqualTo(eventMicros);
        assertThat(reservations(userId)).as("reservations left").isZero();
        assertThat(redis.value(String.class).get(RedisKeys.reservationTotal(RedisKeys.userReservations(userId))))
                .as("reserved total left").isIn(null, "0");
    }

    private int runAbandon(String key, int n) {
        try {
            abandon(key, n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return 499;
    }

    private long reservations(long userId) {
        return redis.sortedSet(String.class).zcard(RedisKeys.userReservations(userId));
    }

    /** {number of events, sum of their costs in micro-USD} of one user on the usage stream. */
    private long[] eventsOf(long userId) throws Exception {
        long n = 0;
        long micros = 0;
        Response entries = redis.execute("XREVRANGE", RedisKeys.USAGE_STREAM, "+", "-", "COUNT", "5000");
        for (Response entry : entries) {
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (UsageEvent.FIELD.equals(fields.get(i).toString())) {
                    UsageEvent e = mapper.readValue(fields.get(i + 1).toString(), UsageEvent.class);
                    if (e.userId() == userId) {
                        n++;
                        micros += SpendPeriod.micros(e.costUsd());
                    }
                }
            }
        }
        return new long[] {n, micros};
    }
}
