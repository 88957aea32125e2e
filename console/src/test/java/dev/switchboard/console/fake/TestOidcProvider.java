package dev.switchboard.console.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A small OpenID Connect provider with a real login form, for the browser tests: discovery, JWKS, an
 * authorization endpoint that shows a username/password page, the code exchange and RP-initiated logout.
 * Tokens are RS256-signed JWTs with the roles at {@code realm_access/roles}, like Keycloak's.
 *
 * <p>Users: {@code admin}/{@code admin-pass} (switchboard-admin), {@code viewer}/{@code viewer-pass}
 * (switchboard-viewer).
 */
public final class TestOidcProvider {

    public static final String CLIENT_ID = "switchboard-console";
    public static final String CLIENT_SECRET = "test-console-secret";

    private static final Map<String, String[]> USERS = Map.of(
            "admin", new String[] {"admin-pass", "switchboard-admin"},
            "viewer", new String[] {"viewer-pass", "switchboard-viewer"});

    private record Grant(String user, String nonce, String redirectUri) {
    }

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final String issuer;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    public TestOidcProvider() throws IOException, JoseException {
        this(0);
    }

    public TestOidcProvider(int port) throws IOException, JoseException {
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("test-" + UUID.randomUUID().toString().substring(0, 8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/switchboard";
        server.createContext("/realms/switchboard", this::handle);
        server.start();
    }

    /**
     * Runs the provider on its own (port as the argument), for a manual run of the browser tests against
     * the real services: they and the console must trust the same issuer (console/README.md).
     */
    public static void main(String[] args) throws Exception {
        TestOidcProvider p = new TestOidcProvider(Integer.parseInt(args[0]));
        System.out.println(p.issuer());
        Thread.currentThread().join();
    }

    public String issuer() {
        return issuer;
    }

    public RsaJsonWebKey key() {
        return key;
    }

    public void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().substring("/realms/switchboard".length());
            switch (path) {
                case "/.well-known/openid-configuration" -> send(ex, 200, "application/json", json.writeValueAsString(Map.of(
                        "issuer", issuer,
                        "authorization_endpoint", issuer + "/auth",
                        "token_endpoint", issuer + "/token",
                        "jwks_uri", issuer + "/certs",
                        "end_session_endpoint", issuer + "/logout",
                        "response_types_supported", List.of("code"),
                        "subject_types_supported", List.of("public"),
                        "id_token_signing_alg_values_supported", List.of("RS256"))));
                case "/certs" -> send(ex, 200, "application/json", new JsonWebKeySet(key).toJson());
                case "/auth" -> loginPage(ex, query(ex.getRequestURI().getRawQuery()), null);
                case "/login" -> login(ex);
                case "/token" -> token(ex);
                case "/logout" -> {
                    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
                    String to = q.getOrDefault("post_logout_redirect_uri", issuer);
                    ex.getResponseHeaders().add("Location", to);
                    send(ex, 302, "text/plain", "");
                }
                default -> send(ex, 404, "text/plain", "not found");
            }
        } catch (JoseException e) {
            send(ex, 500, "text/plain", "signing failed");
        }
    }

    private void loginPage(HttpExchange ex, Map<String, String> q, String error) throws IOException {
        StringBuilder hidden = new StringBuilder();
        for (String f : List.of("client_id", "redirect_uri", "state", "nonce")) {
            hidden.append("<input type=hidden name=\"").append(f).append("\" value=\"")
                    .append(esc(q.getOrDefault(f, ""))).append("\">");
        }
        send(ex, error == null ? 200 : 401, "text/html; charset=utf-8", "<!doctype html><html><head><title>Sign in to switchboard</title></head>"
                + "<body><h1>Test identity provider</h1>" + (error == null ? "" : "<p id=login-error>" + error + "</p>")
                + "<form method=post action=\"" + issuer + "/login\">" + hidden
                + "<label>Username <input id=username name=username></label>"
                + "<label>Password <input id=password name=password type=password></label>"
                + "<button id=kc-login type=submit>Sign in</button></form></body></html>");
    }

    private void login(HttpExchange ex) throws IOException {
        Map<String, String> f = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String[] user = USERS.get(f.getOrDefault("username", ""));
        if (user == null || !user[0].equals(f.get("password"))) {
            loginPage(ex, f, "Invalid username or password.");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(f.get("username"), f.get("nonce"), f.get("redirect_uri")));
        String redirect = f.get("redirect_uri");
        ex.getResponseHeaders().add("Location", redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code
                + "&state=" + URLEncoder.encode(f.getOrDefault("state", ""), StandardCharsets.UTF_8));
        send(ex, 302, "text/plain", "");
    }

    private void token(HttpExchange ex) throws IOException, JoseException {
        Map<String, String> f = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = "authorization_code".equals(f.get("grant_type")) ? codes.remove(f.getOrDefault("code", "")) : null;
        if (grant == null) {
            send(ex, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", accessToken(grant.user()));
        out.put("id_token", idToken(grant));
        out.put("token_type", "Bearer");
        out.put("expires_in", 900);
        send(ex, 200, "application/json", json.writeValueAsString(out));
    }

    /** An access token as Keycloak issues it, also usable by the fake APIs. */
    public String accessToken(String user) throws JoseException {
        JwtClaims c = base(user);
        c.setAudience("account", CLIENT_ID);
        c.setClaim("typ", "Bearer");
        c.setClaim("azp", CLIENT_ID);
        c.setClaim("realm_access", Map.of("roles", List.of(USERS.get(user)[1])));
        return sign(c);
    }

    private String idToken(Grant g) throws JoseException {
        JwtClaims c = base(g.user());
        c.setAudience(CLIENT_ID);
        c.setClaim("typ", "ID");
        if (g.nonce() != null && !g.nonce().isEmpty()) {
            c.setClaim("nonce", g.nonce());
        }
        return sign(c);
    }

    private JwtClaims base(String user) {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer);
        c.setSubject("user-" + user);
        c.setClaim("preferred_username", user);
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(15);
        c.setGeneratedJwtId();
        return c;
    }

    private String sign(JwtClaims c) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }
}
