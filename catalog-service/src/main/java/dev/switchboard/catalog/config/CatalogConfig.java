package dev.switchboard.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of catalog-service (prefix {@code switchboard}). */
@ConfigMapping(prefix = "switchboard")
public interface CatalogConfig {

    /**
     * Data keys sealing provider secrets, {@code id:base64(32 bytes)[,id:base64...]}; the first is
     * active. Production reads env {@code SB_DATA_KEYS}.
     */
    String dataKeys();

    /** Publishing of the catalog snapshot to Redis. */
    Publish publish();

    /** Paging of list endpoints. */
    Paging paging();

    interface Publish {
        /** How long changes are gathered before one publish (coalesces bursts). */
        @WithDefault("100ms")
        Duration debounce();

        /**
         * How often the published snapshot is checked and re-published if Redis lost it (flushed,
         * deleted, or an earlier publish failed).
         */
        @WithDefault("30s")
        Duration healInterval();

        /** Publish once at start-up. */
        @WithDefault("true")
        boolean atStartup();
    }

    interface Paging {
        /** Page size when the request names none. */
        @WithDefault("50")
        int defaultSize();

        /** Largest page size a request may ask for. */
        @WithDefault("500")
        int maxSize();
    }
}
