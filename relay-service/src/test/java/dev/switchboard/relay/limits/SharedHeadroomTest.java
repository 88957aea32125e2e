package dev.switchboard.relay.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.relay.store.LimitStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Live upstream usage is shared between replicas through Redis, without a round trip per request. */
@QuarkusTest
class SharedHeadroomTest {

    @Inject
    LimitStore store;

    @Test
    void replicasSeeEachOthersLiveUsageAfterAFlush() {
        // pin the clock 1 s into a minute so the previous minute barely counts
        long base = System.currentTimeMillis() / 60_000 * 60_000 + 1_000;
        AtomicLong now = new AtomicLong(base);
        HeadroomTracker a = new HeadroomTracker(store, LimitFixtures.Config.defaults(), null, now::get);
        HeadroomTracker b = new HeadroomTracker(store, LimitFixtures.Config.defaults(), null, now::get);
        ProviderKeySnapshot key = new ProviderKeySnapshot(LimitFixtures.id(), "shared", "1:x", "abcd", 10, null, 1, true);

        long before = store.roundTrips();
        for (int i = 0; i < 4; i++) {
            a.onRequest(key);
            b.onRequest(key);
        }
        assertThat(store.roundTrips()).as("no Redis on the request path").isEqualTo(before);
        assertThat(a.headroom(key.id())).isCloseTo(0.6, within(1e-9));

        a.flushNow().await().atMost(Duration.ofSeconds(5));
        b.flushNow().await().atMost(Duration.ofSeconds(5));
        a.flushNow().await().atMost(Duration.ofSeconds(5));
        assertThat(a.headroom(key.id())).as("8 of 10 used across both replicas").isCloseTo(0.2, within(1e-9));
        assertThat(b.headroom(key.id())).isCloseTo(0.2, within(1e-9));

        a.onRequest(key);
        assertThat(a.headroom(key.id())).as("unflushed local requests count on top").isCloseTo(0.1, within(1e-9));
    }
}
