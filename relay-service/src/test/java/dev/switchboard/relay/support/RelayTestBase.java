package dev.switchboard.relay.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.mock.MockProvider;
import dev.switchboard.mock.MockProviderOptions;
import dev.switchboard.relay.catalog.CatalogHolder;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** An embedded mock provider per test class, accepting the upstream keys {@code up-a}, {@code up-b}, {@code up-c}. */
public abstract class RelayTestBase {

    protected static MockProvider mock;

    @Inject
    protected RedisDataSource redis;
    @Inject
    protected ObjectMapper mapper;
    @Inject
    protected CatalogHolder catalog;

    protected Fixture fx;

    @BeforeAll
    static void startMock() {
        mock = MockProvider.start(MockProviderOptions.defaults().withApiKeys("up-a", "up-b", "up-c"));
    }

    @AfterAll
    static void stopMock() {
        if (mock != null) {
            mock.close();
            mock = null;
        }
    }

    @BeforeEach
    void fixture() {
        fx = new Fixture(redis, mapper, catalog);
        mock.resetCounts();
        mock.clearFaults();
    }
}
