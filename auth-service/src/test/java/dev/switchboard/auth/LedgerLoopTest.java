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
import jakarta.inject.Inject;
import java.math.BigDecimal;
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
            return Map.of("switchboard.ledger.enabled", "true", "switchboard.ledger.consumer-name", "auth-ledger-loop-test",
                    "switchboard.ledger.block-timeout", "200ms");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    LedgerRepository ledger;
    @Inject
    ObjectMapper mapper;

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
}
