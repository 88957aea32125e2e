package dev.switchboard.relay.failover;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CooldownPolicy;
import dev.switchboard.relay.routing.CooldownScope;
import dev.switchboard.relay.routing.FailoverDecision;
import dev.switchboard.relay.routing.FailoverSettings;
import dev.switchboard.relay.routing.FailureClassifier;
import dev.switchboard.relay.store.CooldownStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Unique candidates, decisions and stand-alone replicas for the cooldown tests. */
final class CooldownFixtures {

    private CooldownFixtures() {
    }

    /** A candidate with ids no other test run uses, so its scopes are fresh in the shared Redis DB. */
    static Candidate uniqueCandidate() {
        long providerId = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 4);
        long keyId = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE / 4);
        String model = "cd-test-" + UUID.randomUUID();
        ProviderKeySnapshot key = new ProviderKeySnapshot(keyId, "key-a", "k1:unused", "abcd", null, null, 1, true);
        ProviderSnapshot provider = new ProviderSnapshot(providerId, "p-" + providerId, ProviderSnapshot.OPENAI,
                "http://127.0.0.1:1", true, null, null, List.of(key), List.of(), List.of());
        return new Candidate(provider, model, model, null, key, "test", null);
    }

    static String keyModelScope(Candidate c) {
        return CooldownScope.Kind.KEY_MODEL.of(c);
    }

    static FailoverDecision rateLimited(Duration retryAfter) {
        return new FailoverDecision(FailoverDecision.Action.NEXT, CooldownScope.Kind.KEY_MODEL, retryAfter,
                FailureClassifier.RATE_LIMITED, true);
    }

    /** Settings whose exponential backoff starts at 1 s, as in production. */
    static CooldownPolicy policy() {
        return new CooldownPolicy(FailoverSettings.defaults());
    }

    static CooldownConfig config(Duration backstop) {
        return new CooldownConfig() {
            @Override
            public Duration backstopInterval() {
                return backstop;
            }

            @Override
            public Duration halfOpenGrace() {
                return Duration.ofSeconds(60);
            }

            @Override
            public Duration probeLockTimeout() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration resubscribeDelay() {
                return Duration.ofMillis(200);
            }
        };
    }

    /** A replica outside CDI: its own near-cache, its own sb:cd:events subscription, its own meters. */
    static CooldownService replica(CooldownStore store, Vertx vertx, String id, Duration backstop) {
        CooldownService s = new CooldownService(store, config(backstop), policy(), new SimpleMeterRegistry(), vertx, id);
        s.start().await().atMost(Duration.ofSeconds(10));
        await(s::subscribed, Duration.ofSeconds(10), "replica " + id + " subscribed to sb:cd:events");
        return s;
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code max} passes. */
    static void await(BooleanSupplier condition, Duration max, String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
