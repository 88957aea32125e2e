package dev.switchboard.auth;

import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Map;

/** Bearer tokens signed with the key of OidcWiremockTestResource, roles under realm_access/roles. */
public final class Tokens {

    public static final String ADMIN = token("alice", List.of("switchboard-admin"));
    public static final String VIEWER = token("victor", List.of("switchboard-viewer"));
    public static final String NO_ROLE = token("nobody", List.of("some-other-role"));

    private Tokens() {
    }

    public static String token(String user, List<String> roles) {
        return Jwt.preferredUserName(user)
                .issuer("https://server.example.com")
                .audience("https://service.example.com")
                .claim("realm_access", Map.of("roles", roles))
                .sign();
    }
}
