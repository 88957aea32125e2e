package dev.switchboard.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.CandidateQueue.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behaviour 9 in plain Java: twenty requests four seconds apart through {@code [primary, fallback]} while
 * the primary answers 503 for its first minute. Resolver, queue, classifier and cooldown arithmetic are
 * the real ones; only Redis is a map (one replica, so it always wins the probe).
 */
class FlapRecoveryTest {

    private static final long T0 = 80_000_000L;
    private static final long OUTAGE_MS = 60_000;

    @Test
    void aFlappingPrimaryIsProbedNotHammeredAndGetsItsTrafficBackWithinTwentySeconds() {
        ProviderSnapshot primary = Fixtures.provider(1, "primary", List.of(Fixtures.key(11, "p1", 1)),
                Fixtures.model(101, "gpt"));
        ProviderSnapshot fallback = Fixtures.provider(2, "fallback", List.of(Fixtures.key(21, "f1", 1)),
                Fixtures.model(201, "gpt"));
        CatalogIndex idx = Fixtures.catalog().providers(primary, fallback)
                .pools(Fixtures.pool(1, "pool", PoolSnapshot.PRIORITY, Fixtures.member(1, "gpt", 0, 1),
                        Fixtures.member(2, "gpt", 1, 1)))
                .index();
        Resolver resolver = new Resolver(idx);
        MemoryCooldowns cooldowns = new MemoryCooldowns(T0);
        FailoverPlanner planner = new FailoverPlanner(FailoverSettings.defaults(), cooldowns, cooldowns, null);

        List<String> servedBy = new ArrayList<>();
        int primaryAttemptsDuringOutage = 0;
        Long backOnPrimaryAt = null;
        for (int i = 0; i < 20; i++) {
            long now = T0 + 4_000L * i;
            cooldowns.now = now;
            Resolution r = resolver.resolve(new ResolveRequest("pool", null, "openai", cooldowns, null, now));
            CandidateQueue q = planner.open(r, idx, now, null);
            String served = null;
            int onPrimary = 0;
            for (Candidate c = q.next(now); c != null && served == null; c = q.next(now)) {
                boolean down = c.provider().id() == 1 && now < T0 + OUTAGE_MS;
                if (c.provider().id() == 1) {
                    onPrimary++;
                }
                if (down) {
                    Step s = q.failed(c, AttemptOutcome.http(503, "{}", Map.of()), 5, now);
                    assertThat(s.kind()).isEqualTo(Step.Kind.NEXT); // a 503 is never retried on the same candidate
                } else {
                    q.succeeded(c);
                    served = c.provider().name();
                }
            }
            assertThat(served).as("request %d answered", i).isNotNull();
            assertThat(onPrimary).as("attempts on the primary in request %d", i).isLessThanOrEqualTo(1);
            if (now < T0 + OUTAGE_MS) {
                primaryAttemptsDuringOutage += onPrimary;
            } else if (backOnPrimaryAt == null && "primary".equals(served)) {
                backOnPrimaryAt = now;
            }
            servedBy.add(served);
        }

        assertThat(primaryAttemptsDuringOutage).as("probed, not hammered").isBetween(3, 8);
        assertThat(backOnPrimaryAt).isNotNull();
        assertThat(backOnPrimaryAt - (T0 + OUTAGE_MS)).isLessThanOrEqualTo(20_000);
        assertThat(servedBy.subList(servedBy.indexOf("primary"), servedBy.size())).containsOnly("primary");
    }
}
