package dev.switchboard.mock;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link MockProvider} per test class (register it as a static field), with counts and fault
 * rules cleared before each test so no test sees what an earlier one left.
 */
final class MockExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final MockProviderOptions options;
    private MockProvider provider;
    private MockClient client;

    MockExtension(MockProviderOptions options) {
        this.options = options;
    }

    MockExtension() {
        this(MockProviderOptions.defaults());
    }

    MockProvider provider() {
        return provider;
    }

    MockClient client() {
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        provider = MockProvider.start(options);
        client = new MockClient(provider);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        provider.resetCounts();
        provider.clearFaults();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (provider != null) {
            provider.close();
        }
    }
}
