package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.auth.service.LedgerService;
import dev.switchboard.contracts.Schema;
import dev.switchboard.contracts.UsageIds;
import dev.switchboard.contracts.events.UsageEvent;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Concurrent writers of one user or key: no write is lost, a revoke always wins in PostgreSQL and Redis. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class LostWriteTest {

    @Inject
    LedgerService ledger;
    @Inject
    RedisEntries entries;

    private static List<Object> runTogether(List<Callable<Object>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<Object> t : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return t.call();
                }));
            }
            start.countDown();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThousandDebitsRacingFiftyUserPatchesLeaveTheExactBalance() throws Exception {
        long user = Api.createUser(Map.of("balanceUsd", 1000));
        long group = Api.createGroup();
        long key = Api.createKey(user, group, Map.of()).getLong("apiKey.id");
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            tasks.add(() -> {
                for (int i = 0; i < 250; i++) {
                    ledger.record(UsageIds.newId(), new UsageEvent(Schema.EVENT, "race", System.currentTimeMillis(), key, user, group,
                            "gpt-4o", "m", "openai", "gpt-4o", 1, 1, new BigDecimal("0.01"), 200, 1, 1, 1L, null));
                }
                return null;
            });
        }
        tasks.add(() -> {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                statuses.add(Api.admin().body(Map.of("name", "renamed-" + i)).patch("/admin/users/" + user).statusCode());
            }
            return statuses;
        });

        List<Object> results = runTogether(tasks);

        @SuppressWarnings("unchecked")
        List<Integer> statuses = (List<Integer>) results.get(4);
        assertThat(statuses).allMatch(s -> s == 200 || s == 409);
        String balance = Api.admin().get("/admin/users/" + user).then().statusCode(200).extract().jsonPath().getString("balanceUsd");
        assertThat(new BigDecimal(balance)).isEqualByComparingTo("990");
    }

    @Test
    void aRevokeRacingAUserPatchEndsRevokedInPostgresAndInRedis() throws Exception {
        for (int round = 0; round < 15; round++) {
            long user = Api.createUser();
            var created = Api.createKey(user, Api.createGroup(), Map.of());
            long key = created.getLong("apiKey.id");
            String hash = KeySecrets.sha256Hex(created.getString("key"));
            int r = round;
            runTogether(List.of(
                    () -> Api.admin().post("/admin/keys/" + key + "/revoke").statusCode(),
                    () -> Api.admin().body(Map.of("name", "race-" + r)).patch("/admin/users/" + user).statusCode()));

            Api.admin().get("/admin/keys/" + key).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("revoked"));
            assertThat(entries.entry(hash).snapshot().status()).as("round %d", round).isEqualTo("revoked");
        }
    }

    @Test
    void aKeyPatchRacingARevokeNeverBringsTheKeyBack() throws Exception {
        for (int round = 0; round < 15; round++) {
            var created = Api.createKey();
            long key = created.getLong("apiKey.id");
            String hash = KeySecrets.sha256Hex(created.getString("key"));
            int r = round;
            List<Object> statuses = runTogether(List.of(
                    () -> Api.admin().post("/admin/keys/" + key + "/revoke").statusCode(),
                    () -> Api.admin().body(Map.of("name", "race-" + r, "rpmLimit", 10)).patch("/admin/keys/" + key).statusCode()));

            assertThat(statuses.get(0)).as("the revoke").isEqualTo(200);
            assertThat(statuses.get(1)).isIn(200, 409);
            Api.admin().get("/admin/keys/" + key).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("revoked"));
            assertThat(entries.entry(hash).snapshot().status()).as("round %d", round).isEqualTo("revoked");
        }
    }
}
