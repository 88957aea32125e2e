package dev.switchboard.console.api;

import dev.switchboard.console.config.ConsoleConfig;
import java.util.Optional;

/** The three management APIs the console talks to, by the name the browser uses in {@code /api/{name}/...}. */
public enum Api {
    AUTH("auth-service"),
    CATALOG("catalog-service"),
    RELAY("relay-service");

    private final String service;

    Api(String service) {
        this.service = service;
    }

    /** The service name shown in the "API down" banner. */
    public String service() {
        return service;
    }

    public String baseUrl(ConsoleConfig config) {
        String url = switch (this) {
            case AUTH -> config.authUrl();
            case CATALOG -> config.catalogUrl();
            case RELAY -> config.relayUrl();
        };
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public static Optional<Api> byName(String name) {
        for (Api a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
