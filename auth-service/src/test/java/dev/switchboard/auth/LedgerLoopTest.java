package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.repository.LedgerRepository;
import dev.switchboard.contracts.RedisKeys;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.UsageIds;
import dev.switchboard.contracts.events.UsageEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The background consumer, as it runs in production: settles what the relay appends, unprompted. */
@QuarkusTest
@TestProfile(LedgerLoopTest.LoopOn.class)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class LedgerLoopTest {

    public static class LoopOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Small reads, so a few hundred events take several batches, some of them grown.
            return Map.of("switchboard.ledger.enabled", "true", "switchboard.ledger.consumer-name", "auth-ledger-loop-test",
                    "switchboard.ledger.block-timeout", "200ms", "switchboard.ledger.batch-size", "50",
                    "switchboard.ledger.max-batch-size", "200", "switchboard.ledger.lag-interval", "100ms");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    LedgerRepository ledger;
    @Inject
    ObjectMapper mapper;
    @Inject
    MeterRegistry registry;

    @Test
    void settlesAppendedEventsWithoutBeingAsked() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 2));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        UsageEvent e = new UsageEvent(Schema.EVENT, "req-" + UUID.randomUUID(), System.currentTimeMillis(), key, user, group,
                "gpt-4o", "gpt-4o", "openai", "gpt-4o", 10, 5, new BigDecimal("0.75"), 200, 1, 100, 40L, UsageIds.newId());
        redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of(UsageEvent.FIELD, mapper.writeValueAsString(e)));

        long deadline = System.currentTimeMillis() + 15_000;
        boolean settled = false;
        while (!settled && System.currentTimeMillis() < deadline) {
            settled = QuarkusTransaction.requiringNew().call(() -> ledger.exists(e.usageId()));
            if (!settled) {
                Thread.sleep(100);
            }
        }
        assertThat(settled).as("settled within 15 s").isTrue();
        String balance = Api.admin().get("/admin/users/" + user).then().statusCode(200).extract().jsonPath().getString("balanceUsd");
        assertThat(new BigDecimal(balance)).isEqualByComparingTo("1.25");
    }

    @Test
    void drainsABacklogOfManyBatchesAcrossUsersWithExactBalancesAndTheLagBackToZero() throws Exception {
        long group = Api.createGroup();
        List<long[]> users = new ArrayList<>();
        for (int u = 0; u < 3; u++) {
            long user = Api.createUser(Map.of("balanceUsd", 100));
            users.add(new long[] {user, Api.createKey(user, group, Map.of()).getLong("apiKey.id")});
        }
        String requestId = "req-backlog-" + UUID.randomUUID();
        for (int i = 0; i < 600; i++) {
            long[] uk = users.get(i % 3);
            UsageEvent e = new UsageEvent(Schema.EVENT, requestId, System.currentTimeMillis(), uk[1], uk[0], group, "gpt-4o",
                    "gpt-4o", "openai", "gpt-4o", 10, 5, new BigDecimal("0.01"), 200, 1, 100, 40L, UsageIds.newId());
            redis.stream(String.class).xadd(RedisKeys.USAGE_STREAM, Map.of(UsageEvent.FIELD, mapper.writeValueAsString(e)));
        }

        long deadline = System.currentTimeMillis() + 20_000;
        long rows = 0;
        while (rows < 600 && System.currentTimeMillis() < deadline) {
            rows = QuarkusTransaction.requiringNew().call(() -> ledger.countByRequestId(requestId));
            Thread.sleep(100);
        }
        assertThat(rows).isEqualTo(600);
        for (long[] uk : users) {
            String balance = Api.admin().get("/admin/users/" + uk[0]).then().statusCode(200).extract().jsonPath()
                    .getString("balanceUsd");
            assertThat(new BigDecimal(balance)).as("user %d", uk[0]).isEqualByComparingTo("98.00");
        }
        double lag = Double.NaN;
        while (lag != 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            lag = registry.get("switchboard.ledger.lag").gauge().value();
        }
        assertThat(lag).as("switchboard.ledger.lag once drained").isZero();
    }
}
