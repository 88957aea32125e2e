package dev.switchboard.relay.failover;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-process OIDC server of quarkus-test-oidc-server, with the relay pointed at it. Tokens are built with
 * {@link #token(String...)}: issuer and signing key as the server expects, roles in {@code realm_access.roles}.
 */
public class OidcTestServer extends OidcWiremockTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.oidc.auth-server-url", config.get("keycloak.url") + "/realms/quarkus");
        return config;
    }

    /** A signed bearer token carrying {@code roles} in {@code realm_access.roles}. */
    public static String token(String... roles) {
        return io.smallrye.jwt.build.Jwt.preferredUserName("operator")
                .issuer("https://server.example.com")
                .audience("https://server.example.com")
                .claim("realm_access", Map.of("roles", List.of(roles)))
                .sign();
    }
}
