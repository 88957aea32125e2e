package dev.switchboard.mock;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Standalone entry point: {@code java -jar mock-provider-<v>-runner.jar}.
 * Environment: {@code MOCK_PORT} (default 8090), {@code MOCK_HOST} (default 127.0.0.1),
 * {@code MOCK_API_KEYS} (comma-separated, default {@code mock-key}).
 */
public final class MockProviderMain {

    private MockProviderMain() {
    }

    public static void main(String[] args) {
        String host = env("MOCK_HOST", MockProviderOptions.DEFAULT_HOST);
        int port;
        try {
            port = Integer.parseInt(env("MOCK_PORT", "8090"));
        } catch (NumberFormatException e) {
            System.err.println("MOCK_PORT must be a number, was '" + System.getenv("MOCK_PORT") + "'");
            System.exit(2);
            return;
        }
        Set<String> keys = Arrays.stream(env("MOCK_API_KEYS", MockProviderOptions.DEFAULT_KEY).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        MockProvider mock;
        try {
            mock = MockProvider.start(new MockProviderOptions(host, port, keys));
        } catch (RuntimeException e) {
            System.err.println("mock-provider failed to start on " + host + ":" + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(mock::close, "mock-provider-shutdown"));
        // Key values are deliberately not printed: only how many there are.
        System.out.println("mock-provider listening on " + mock.baseUrl() + " (" + keys.size() + " API key"
                + (keys.size() == 1 ? "" : "s") + ", " + Runtime.getRuntime().availableProcessors() + " event loops)");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
