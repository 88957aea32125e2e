package dev.switchboard.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where the management APIs are and how long the console waits for them. */
@ConfigMapping(prefix = "switchboard.console")
public interface ConsoleConfig {

    /** Base URL of auth-service (users, groups, keys, usage). */
    String authUrl();

    /** Base URL of catalog-service (providers, models, pools, clusters, routes). */
    String catalogUrl();

    /** Base URL of relay-service (cooldowns, route explain). */
    String relayUrl();

    /** The relay's Prometheus metrics, on its management port (the dashboard's figures). */
    String relayMetricsUrl();

    /** Connect timeout of every management call. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** Whole-request timeout of every management call; past it the page shows the API as down. */
    @WithDefault("15s")
    Duration requestTimeout();
}
