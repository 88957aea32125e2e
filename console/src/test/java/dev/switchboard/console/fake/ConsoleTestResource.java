package dev.switchboard.console.fake;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the test OIDC provider and the fake management APIs and points the console at them. */
public class ConsoleTestResource implements QuarkusTestResourceLifecycleManager {

    private TestOidcProvider oidc;
    private FakeManagementApis apis;

    @Override
    public Map<String, String> start() {
        try {
            oidc = new TestOidcProvider();
            apis = new FakeManagementApis(oidc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "quarkus.oidc.auth-server-url", oidc.issuer(),
                "quarkus.oidc.client-id", TestOidcProvider.CLIENT_ID,
                "quarkus.oidc.credentials.secret", TestOidcProvider.CLIENT_SECRET,
                "quarkus.oidc.token-state-manager.encryption-secret", "test-only-console-session-secret-0123456789",
                "switchboard.console.auth-url", apis.authUrl(),
                "switchboard.console.catalog-url", apis.catalogUrl(),
                "switchboard.console.relay-url", apis.relayUrl());
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
