package dev.switchboard.mock;

import java.util.Objects;
import java.util.Set;

/**
 * Where a {@link MockProvider} listens and which upstream API keys it accepts.
 *
 * @param host    interface to bind; tests and the suite use {@code 127.0.0.1}
 * @param port    TCP port; {@code 0} picks a free one (read it back with {@link MockProvider#port()})
 * @param apiKeys keys accepted as {@code Authorization: Bearer <key>} (OpenAI endpoints) or
 *                {@code x-api-key} (Anthropic endpoints); any other key is answered with 401
 */
public record MockProviderOptions(String host, int port, Set<String> apiKeys) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_KEY = "mock-key";

    public MockProviderOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        apiKeys = Set.copyOf(Objects.requireNonNull(apiKeys, "apiKeys"));
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
    }

    /** 127.0.0.1, a random free port, and the single key {@code mock-key}. */
    public static MockProviderOptions defaults() {
        return new MockProviderOptions(DEFAULT_HOST, 0, Set.of(DEFAULT_KEY));
    }

    public MockProviderOptions withPort(int newPort) {
        return new MockProviderOptions(host, newPort, apiKeys);
    }

    public MockProviderOptions withApiKeys(Set<String> newKeys) {
        return new MockProviderOptions(host, port, newKeys);
    }

    public MockProviderOptions withApiKeys(String... newKeys) {
        return withApiKeys(Set.of(newKeys));
    }
}
