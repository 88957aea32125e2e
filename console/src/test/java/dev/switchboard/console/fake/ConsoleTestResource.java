package dev.switchboard.console.fake;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the test OIDC provider and the fake management APIs and points the console at them. */
public class ConsoleTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String authUrl;
    private TestOidcProvider oidc;
    private FakeManagementApis apis;

    @Override
    public Map<String, String> start() {
        String external = System.getProperty("console.it.oidc-url");
        if (external != null) {
            // the real services, started beforehand against a standalone TestOidcProvider (console/README.md)
            authUrl = System.getProperty("console.it.auth-url");
            return Map.of(
                    "quarkus.oidc.auth-server-url", external,
                    "quarkus.oidc.client-id", TestOidcProvider.CLIENT_ID,
                    "quarkus.oidc.credentials.secret", TestOidcProvider.CLIENT_SECRET,
                    "quarkus.oidc.token-state-manager.encryption-secret", "test-only-console-session-secret-0123456789",
                    "switchboard.console.auth-url", authUrl,
                    "switchboard.console.catalog-url", System.getProperty("console.it.catalog-url"),
                    "switchboard.console.relay-url", System.getProperty("console.it.relay-url"),
                    "switchboard.console.relay-metrics-url", System.getProperty("console.it.relay-metrics-url", System.getProperty("console.it.relay-url") + "/q/metrics"));
        }
        try {
            oidc = new TestOidcProvider();
            apis = new FakeManagementApis(oidc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        authUrl = apis.authUrl();
        return Map.of(
                "quarkus.oidc.auth-server-url", oidc.issuer(),
                "quarkus.oidc.client-id", TestOidcProvider.CLIENT_ID,
                "quarkus.oidc.credentials.secret", TestOidcProvider.CLIENT_SECRET,
                "quarkus.oidc.token-state-manager.encryption-secret", "test-only-console-session-secret-0123456789",
                "switchboard.console.auth-url", apis.authUrl(),
                "switchboard.console.catalog-url", apis.catalogUrl(),
                "switchboard.console.relay-url", apis.relayUrl(),
                "switchboard.console.relay-metrics-url", apis.relayUrl() + "/q/metrics");
    }

    /** The fake auth-service (and its {@code /fake/...} control paths), for tests in the same class loader. */
    public static String authUrl() {
        if (authUrl == null) {
            authUrl = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("switchboard.console.auth-url", String.class);
        }
        return authUrl;
    }

    @Override
    public void stop() {
        if (apis != null) {
            apis.stop();
        }
        if (oidc != null) {
            oidc.stop();
        }
    }
}
