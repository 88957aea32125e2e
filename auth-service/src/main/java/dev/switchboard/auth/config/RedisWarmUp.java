package dev.switchboard.auth.config;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * Creates the Redis data sources on the main thread before any other startup observer runs. Quarkus
 * 3.33's Redis recorder keeps its data sources in a plain HashMap, so the ledger consumer's thread
 * (started by its own startup observer) creating the blocking one while the main thread creates the
 * reactive one failed the start with a ConcurrentModificationException (seen in LedgerLoopTest).
 */
@ApplicationScoped
public class RedisWarmUp {

    void createFirst(@Observes @Priority(1) StartupEvent event, Instance<RedisDataSource> blocking,
            Instance<ReactiveRedisDataSource> reactive) {
        // a method call on the client proxy creates the bean
        reactive.get().getRedis();
        blocking.get().getReactive();
    }
}
