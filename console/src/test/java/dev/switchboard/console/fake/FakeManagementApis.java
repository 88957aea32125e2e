package dev.switchboard.console.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * In-test stand-ins for the management APIs of auth-service, catalog-service and relay-service, on three
 * ports, answering the paths, bodies, roles (signed bearer tokens from {@link TestOidcProvider}, 401/403)
 * and RFC 9457 problems the real services document in their READMEs. State is in memory.
 *
 * <p>Only what the console calls is implemented; validation covers the cases the tests provoke.
 * {@code POST /fake/relay-down} (on the auth port) makes the relay drop every connection, to show the
 * console's "API down" banner.
 */
public final class FakeManagementApis {

    private interface Handler {
        void handle(Call call, Matcher m) throws IOException;
    }

    private record Route(String method, Pattern path, String role, Handler handler) {
    }

    /** One request: its body, caller role, and a way to answer. */
    final class Call {
        final HttpExchange ex;
        final JsonNode body;

        Call(HttpExchange ex, JsonNode body) {
            this.ex = ex;
            this.body = body;
        }

        void json(int status, Object doc) throws IOException {
            TestOidcProvider.send(ex, status, "application/json", json.writeValueAsString(doc));
        }

        void problem(int status, String title, String detail, List<Map<String, String>> errors) throws IOException {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", "about:blank");
            p.put("title", title);
            p.put("status", status);
            p.put("detail", detail);
            if (errors != null) {
                p.put("errors", errors);
            }
            TestOidcProvider.send(ex, status, "application/problem+json", json.writeValueAsString(p));
        }

        String text(String field) {
            JsonNode n = body == null ? null : body.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final JwtConsumer tokens;
    private final AtomicLong ids = new AtomicLong(100);
    private final SecureRandom random = new SecureRandom();
    private volatile boolean relayDown;
    private volatile long catalogDelayMs;

    // catalog
    private final Map<Long, Map<String, Object>> providers = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> providerKeys = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> models = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> pools = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> clusters = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> routes = new ConcurrentHashMap<>();
    // auth
    private final Map<Long, Map<String, Object>> users = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> groups = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> tenantKeys = new ConcurrentHashMap<>();
    private final Map<String, Long> tenantKeyBySecret = new ConcurrentHashMap<>();
    // relay
    private final Map<String, Map<String, Object>> cooldowns = new ConcurrentHashMap<>();
    private double requests, errors, failovers;
    private final double[] bounds = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    private final double[] upstreamBuckets = new double[bounds.length + 1];
    private final double[] overheadBuckets = new double[bounds.length + 1];

    private final HttpServer auth, catalog, relay;

    public FakeManagementApis(TestOidcProvider oidc) throws IOException {
        tokens = new JwtConsumerBuilder().setVerificationKey(oidc.key().getPublicKey())
                .setExpectedIssuer(oidc.issuer()).setRequireExpirationTime().setSkipDefaultAudienceValidation().build();
        auth = server(authRoutes());
        catalogRoutesList = catalogRoutes();
        catalog = server(catalogRoutesList);
        relay = server(relayRoutes());
        catalogRoutes = catalogRoutesList;
        Map<String, Object> cd = new LinkedHashMap<>();
        long until = System.currentTimeMillis() + 3_600_000;
        cd.put("scope", "key_model:7:gpt-4o");
        cd.put("scopeKind", "key_model");
        cd.put("state", "cooling");
        cd.put("reason", "rate_limited");
        cd.put("until", java.time.Instant.ofEpochMilli(until).toString());
        cd.put("untilEpochMs", until);
        cd.put("secondsLeft", 3600);
        cd.put("strikes", 2);
        cd.put("replica", "relay-0");
        cd.put("rateLimited", true);
        cooldowns.put("key_model:7:gpt-4o", cd);
    }

    public String authUrl() {
        return url(auth);
    }

    public String catalogUrl() {
        return url(catalog);
    }

    public String relayUrl() {
        return url(relay);
    }

    public void stop() {
        auth.stop(0);
        catalog.stop(0);
        relay.stop(0);
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private HttpServer server(List<Route> routes) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> dispatch(routes, ex));
        s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        s.start();
        return s;
    }

    private void dispatch(List<Route> routes, HttpExchange ex) throws IOException {
        try (ex) {
            if (relayDown && routes == relayRoutes) {
                return; // closes the connection without an answer
            }
            if (routes == catalogRoutes && catalogDelayMs > 0) {
                try {
                    Thread.sleep(catalogDelayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : json.readTree(raw);
            Call call = new Call(ex, body);
            String path = ex.getRequestURI().getPath();
            for (Route r : routes) {
                Matcher m = r.path().matcher(path);
                if (!r.method().equals(ex.getRequestMethod()) || !m.matches()) {
                    continue;
                }
                if (r.role() != null && !authorized(call, r.role())) {
                    return;
                }
                r.handler().handle(call, m);
                return;
            }
            call.problem(404, "Not Found", "No such endpoint.", null);
        } catch (RuntimeException e) {
            TestOidcProvider.send(ex, 500, "text/plain", "fake failed: " + e);
        }
    }

    /** viewer: either role reads; admin: switchboard-admin only. Answers 401/403 itself. */
    private boolean authorized(Call call, String role) throws IOException {
        String h = call.ex.getRequestHeaders().getFirst("Authorization");
        List<?> roles;
        try {
            JwtClaims claims = tokens.processToClaims(h == null ? "" : h.replaceFirst("^Bearer ", ""));
            Object ra = claims.getClaimValue("realm_access");
            roles = ra instanceof Map<?, ?> m && m.get("roles") instanceof List<?> l ? l : List.of();
        } catch (Exception e) {
            TestOidcProvider.send(call.ex, 401, "text/plain", ""); // as Quarkus answers: no body
            return false;
        }
        boolean ok = roles.contains("switchboard-admin") || ("viewer".equals(role) && roles.contains("switchboard-viewer"));
        if (!ok) {
            TestOidcProvider.send(call.ex, 403, "text/plain", ""); // as Quarkus answers @RolesAllowed: no body
        }
        return ok;
    }

    private static Route get(String path, Handler h) {
        return new Route("GET", Pattern.compile(path), "viewer", h);
    }

    private static Route write(String method, String path, Handler h) {
        return new Route(method, Pattern.compile(path), "admin", h);
    }

    private static Map<String, Object> page(List<Map<String, Object>> items) {
        return Map.of("items", items, "page", 0, "size", 500, "total", items.size());
    }

    private static List<Map<String, Object>> sorted(Map<Long, Map<String, Object>> m) {
        return m.values().stream().sorted((a, b) -> Long.compare((Long) a.get("id"), (Long) b.get("id"))).toList();
    }

    private Map<String, Object> put(Map<Long, Map<String, Object>> table, Map<String, Object> row) {
        long id = ids.incrementAndGet();
        row.put("id", id);
        table.put(id, row);
        return row;
    }

    private void merge(Map<String, Object> row, JsonNode body, String... fields) {
        for (String f : fields) {
            if (body != null && body.has(f)) {
                row.put(f, json.convertValue(body.get(f), Object.class));
            }
        }
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private Map<String, Object> byName(Map<Long, Map<String, Object>> t, String field, String name) {
        return t.values().stream().filter(r -> String.valueOf(r.get(field)).equalsIgnoreCase(name)).findFirst().orElse(null);
    }

    private static List<Map<String, String>> fieldError(String field, String reason) {
        return List.of(Map.of("field", field, "reason", reason));
    }

    // ------------------------------------------------------------------ catalog-service

    private List<Route> catalogRoutesList;
    private volatile List<Route> catalogRoutes;

    private List<Route> catalogRoutes() {
        List<Route> r = new ArrayList<>();
        r.add(get("/admin/providers", (c, m) -> c.json(200, page(sorted(providers).stream().map(this::providerView).toList()))));
        r.add(write("POST", "/admin/providers", (c, m) -> {
            String name = c.text("name"), baseUrl = c.text("baseUrl");
            if (name == null || name.isBlank()) {
                c.problem(422, "Validation failed", "name: must not be blank", fieldError("name", "must not be blank"));
            } else if (baseUrl == null || !baseUrl.matches("https?://.+")) {
                c.problem(422, "Validation failed", "baseUrl: must be an absolute http or https URL",
                        fieldError("baseUrl", "must be an absolute http or https URL"));
            } else if (byName(providers, "name", name) != null) {
                c.problem(409, "Name conflict", "name '" + name + "' is already used by provider " + name, null);
            } else {
                Map<String, Object> p = put(providers, row("name", name, "protocol", c.text("protocol") == null ? "openai" : c.text("protocol"),
                        "baseUrl", baseUrl, "enabled", true, "timeouts", row("connectMs", 5000, "firstByteMs", 60000, "idleMs", 60000),
                        "headers", Map.of(), "failoverRules", List.of()));
                c.json(201, providerView(p));
            }
        }));
        r.add(write("PATCH", "/admin/providers/(\\d+)", (c, m) -> {
            Map<String, Object> p = providers.get(Long.parseLong(m.group(1)));
            if (p == null) {
                c.problem(404, "Not Found", "No provider " + m.group(1) + ".", null);
                return;
            }
            merge(p, c.body, "enabled", "baseUrl", "failoverRules");
            if (c.body.has("timeouts")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) p.get("timeouts");
                c.body.get("timeouts").fields().forEachRemaining(e -> t.put(e.getKey(), e.getValue().asInt()));
            }
            c.json(200, providerView(p));
        }));
        r.add(get("/admin/providers/(\\d+)/keys", (c, m) -> c.json(200, page(sorted(providerKeys).stream()
                .filter(k -> k.get("providerId").equals(Long.parseLong(m.group(1)))).map(this::keyView).toList()))));
        r.add(write("POST", "/admin/providers/(\\d+)/keys", (c, m) -> {
            String secret = c.text("secret");
            if (secret == null || secret.length() < 8) {
                c.problem(422, "Validation failed", "secret: must be 8 to 4096 characters", fieldError("secret", "must be 8 to 4096 characters"));
                return;
            }
            Map<String, Object> k = put(providerKeys, row("providerId", Long.parseLong(m.group(1)), "label", c.text("label"),
                    "secret", secret, "weight", c.body.has("weight") ? c.body.get("weight").asInt() : 1, "rpm", null, "tpm", null,
                    "enabled", true));
            c.json(201, keyView(k));
        }));
        r.add(write("PATCH", "/admin/providers/(\\d+)/keys/(\\d+)", (c, m) -> {
            Map<String, Object> k = providerKeys.get(Long.parseLong(m.group(2)));
            merge(k, c.body, "enabled", "secret", "weight");
            c.json(200, keyView(k));
        }));
        r.add(get("/admin/providers/(\\d+)/models", (c, m) -> c.json(200, page(sorted(models).stream()
                .filter(x -> x.get("providerId").equals(Long.parseLong(m.group(1)))).toList()))));
        r.add(write("POST", "/admin/providers/(\\d+)/models", (c, m) -> {
            Map<String, Object> p = providers.get(Long.parseLong(m.group(1)));
            String name = c.text("name");
            Map<String, Object> x = put(models, row("providerId", p.get("id"), "provider", p.get("name"), "name", name,
                    "upstreamName", c.text("upstreamName") == null ? name : c.text("upstreamName"), "contextWindow", null,
                    "inputPricePerMTok", null, "outputPricePerMTok", null, "enabled", true));
            merge(x, c.body, "contextWindow", "inputPricePerMTok", "outputPricePerMTok");
            c.json(201, x);
        }));
        r.add(write("PATCH", "/admin/providers/(\\d+)/models/(\\d+)", (c, m) -> {
            Map<String, Object> x = models.get(Long.parseLong(m.group(2)));
            merge(x, c.body, "enabled", "inputPricePerMTok", "outputPricePerMTok", "contextWindow", "upstreamName");
            c.json(200, x);
        }));
        r.add(get("/admin/pools", (c, m) -> c.json(200, page(sorted(pools)))));
        r.add(write("PATCH", "/admin/pools/(\\d+)", (c, m) -> {
            Map<String, Object> x = pools.get(Long.parseLong(m.group(1)));
            merge(x, c.body, "strategy", "enabled");
            c.json(200, x);
        }));
        r.add(write("POST", "/admin/pools", (c, m) -> {
            List<Map<String, Object>> members = new ArrayList<>();
            int i = 0;
            for (JsonNode mem : c.body.path("members")) {
                Map<String, Object> model = models.values().stream().filter(x -> x.get("provider").equals(mem.path("provider").asText())
                        && x.get("name").equals(mem.path("model").asText())).findFirst().orElse(null);
                if (model == null) {
                    c.problem(422, "Validation failed", "members[" + i + "].model: no such model on that provider",
                            fieldError("members[" + i + "].model", "no such model on that provider"));
                    return;
                }
                members.add(row("id", ids.incrementAndGet(), "providerId", model.get("providerId"), "provider", model.get("provider"),
                        "model", model.get("name"), "priority", mem.path("priority").asInt(i), "weight", 1, "enabled", true));
                i++;
            }
            c.json(201, put(pools, row("name", c.text("name"), "strategy", c.text("strategy"), "enabled", true, "members", members)));
        }));
        r.add(get("/admin/clusters", (c, m) -> c.json(200, page(sorted(clusters)))));
        r.add(write("POST", "/admin/clusters", (c, m) -> {
            List<Map<String, Object>> members = new ArrayList<>();
            for (JsonNode mem : c.body.path("members")) {
                String name = mem.path("name").asText();
                String kind = byName(pools, "name", name) != null ? "pool" : byName(models, "name", name) != null ? "model" : null;
                if (kind == null) {
                    c.problem(422, "Validation failed", "members: " + name + " is neither a pool nor a model", null);
                    return;
                }
                members.add(row("kind", kind, "name", name));
            }
            c.json(201, put(clusters, row("name", c.text("name"), "enabled", true, "members", members)));
        }));
        r.add(get("/admin/routes", (c, m) -> c.json(200, page(sorted(routes)))));
        r.add(write("POST", "/admin/routes", (c, m) -> c.json(201, put(routes, row("pattern", c.text("pattern"),
                "targetKind", c.text("targetKind"), "target", c.text("target"), "priority", c.body.path("priority").asInt(100),
                "enabled", true, "hits", 0L)))));
        return r;
    }

    private Map<String, Object> providerView(Map<String, Object> p) {
        Map<String, Object> v = new LinkedHashMap<>(p);
        v.put("keyCount", providerKeys.values().stream().filter(k -> k.get("providerId").equals(p.get("id"))).count());
        v.put("modelCount", models.values().stream().filter(k -> k.get("providerId").equals(p.get("id"))).count());
        return v;
    }

    private Map<String, Object> keyView(Map<String, Object> k) {
        Map<String, Object> v = new LinkedHashMap<>(k);
        String secret = (String) v.remove("secret");
        v.put("last4", secret.substring(secret.length() - 4));
        v.put("dataKeyId", "test");
        return v;
    }

    // ------------------------------------------------------------------ auth-service

    private List<Route> authRoutes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("POST", Pattern.compile("/fake/relay-down"), null, (c, m) -> {
            relayDown = true;
            c.json(200, Map.of("relayDown", true));
        }));
        r.add(new Route("POST", Pattern.compile("/fake/catalog-delay"), null, (c, m) -> {
            catalogDelayMs = Long.parseLong(TestOidcProvider.query(c.ex.getRequestURI().getRawQuery()).getOrDefault("ms", "0"));
            c.json(200, Map.of("catalogDelayMs", catalogDelayMs));
        }));
        r.add(get("/admin/users", (c, m) -> c.json(200, page(sorted(users)))));
        r.add(write("POST", "/admin/users", (c, m) -> {
            if (byName(users, "email", c.text("email")) != null) {
                c.problem(409, "Conflict", "A user with this email already exists.", null);
                return;
            }
            Map<String, Object> u = put(users, row("name", c.text("name"), "email", c.text("email"), "status", "active",
                    "role", "user", "balanceUsd", null, "concurrency", null, "version", 1));
            merge(u, c.body, "balanceUsd", "concurrency");
            c.json(201, u);
        }));
        r.add(write("PATCH", "/admin/users/(\\d+)", (c, m) -> {
            Map<String, Object> u = users.get(Long.parseLong(m.group(1)));
            merge(u, c.body, "balanceUsd", "concurrency", "status", "name");
            c.json(200, u);
        }));
        r.add(get("/admin/groups", (c, m) -> c.json(200, page(sorted(groups)))));
        r.add(write("POST", "/admin/groups", (c, m) -> c.json(201, put(groups, row("name", c.text("name"),
                "platform", c.text("platform"), "status", "active", "dailyLimitUsd", null, "weeklyLimitUsd", null,
                "monthlyLimitUsd", null, "allowedModels", List.of(), "fallbackGroupId", null,
                "modelRouting", new LinkedHashMap<>(), "modelRoutingEnabled", false)))));
        r.add(write("PATCH", "/admin/groups/(\\d+)", (c, m) -> {
            Map<String, Object> g = groups.get(Long.parseLong(m.group(1)));
            merge(g, c.body, "modelRouting", "modelRoutingEnabled", "dailyLimitUsd", "weeklyLimitUsd", "monthlyLimitUsd");
            c.json(200, g);
        }));
        r.add(get("/admin/keys", (c, m) -> c.json(200, page(sorted(tenantKeys)))));
        r.add(write("POST", "/admin/keys", (c, m) -> {
            StringBuilder secret = new StringBuilder("sk-sb-");
            String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            for (int i = 0; i < 43; i++) {
                secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Map<String, Object> k = put(tenantKeys, row("name", c.text("name"), "userId", c.body.path("userId").asLong(),
                    "groupId", c.body.path("groupId").asLong(), "keyPrefix", secret.substring(0, 12), "status", "active",
                    "expiresAt", c.text("expiresAt"), "ipAllow", List.of(), "ipDeny", List.of(), "rpmLimit", null,
                    "lastUsedAt", null, "version", 1));
            merge(k, c.body, "ipAllow", "ipDeny", "rpmLimit");
            tenantKeyBySecret.put(secret.toString(), (Long) k.get("id"));
            c.json(201, row("key", secret.toString(), "apiKey", k));
        }));
        r.add(write("PATCH", "/admin/keys/(\\d+)", (c, m) -> {
            Map<String, Object> k = tenantKeys.get(Long.parseLong(m.group(1)));
            merge(k, c.body, "expiresAt", "ipAllow", "ipDeny", "rpmLimit", "name");
            c.json(200, k);
        }));
        r.add(write("POST", "/admin/keys/(\\d+)/(revoke|enable|disable)", (c, m) -> {
            Map<String, Object> k = tenantKeys.get(Long.parseLong(m.group(1)));
            if ("revoked".equals(k.get("status")) && !m.group(2).equals("revoke")) {
                c.problem(409, "Conflict", "The key is revoked.", null);
                return;
            }
            k.put("status", switch (m.group(2)) {
                case "revoke" -> "revoked";
                case "enable" -> "active";
                default -> "disabled";
            });
            c.json(200, k);
        }));
        r.add(get("/admin/usage", (c, m) -> {
            String by = TestOidcProvider.query(c.ex.getRequestURI().getRawQuery()).getOrDefault("groupBy", "day");
            List<Map<String, Object>> rows = new ArrayList<>();
            String[] keys = by.equals("day") ? new String[] {java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString()}
                    : new String[] {"coding-fast", "mock-smart"};
            for (int i = 0; i < keys.length; i++) {
                rows.add(row("key", keys[i], "requests", 120L * (i + 1), "promptTokens", 48000L * (i + 1),
                        "completionTokens", 9000L * (i + 1), "costUsd", 1.25 * (i + 1)));
            }
            long req = rows.stream().mapToLong(x -> (Long) x.get("requests")).sum();
            double cost = rows.stream().mapToDouble(x -> (Double) x.get("costUsd")).sum();
            c.json(200, row("groupBy", by, "rows", rows, "totals", row("requests", req, "promptTokens", 0, "completionTokens", 0, "costUsd", cost)));
        }));
        return r;
    }

    // ------------------------------------------------------------------ relay-service

    private List<Route> relayRoutes;

    private List<Route> relayRoutes() {
        List<Route> r = new ArrayList<>();
        r.add(new Route("GET", Pattern.compile("/q/metrics"), null, (c, m) -> TestOidcProvider.send(c.ex, 200,
                "text/plain; version=0.0.4", metrics())));
        r.add(get("/admin/cooldowns", (c, m) -> c.json(200, new ArrayList<>(cooldowns.values()))));
        r.add(write("DELETE", "/admin/cooldowns/(.+)", (c, m) -> {
            if (cooldowns.remove(m.group(1)) == null) {
                c.problem(404, "Cooldown not found", "No cooldown is set for this scope.", null);
            } else {
                TestOidcProvider.send(c.ex, 204, "text/plain", "");
            }
        }));
        r.add(new Route("POST", Pattern.compile("/v1/route/explain"), null, this::explain));
        relayRoutes = r;
        return r;
    }

    /** The relay's explain for a tenant key: cluster → pool → members, as {@code TenantRoutes.explain} answers. */
    private void explain(Call c, Matcher m) throws IOException {
        String h = c.ex.getRequestHeaders().getFirst("Authorization");
        Long keyId = h == null ? null : tenantKeyBySecret.get(h.replaceFirst("^Bearer ", ""));
        if (keyId == null) {
            c.json(401, Map.of("error", Map.of("message", "Invalid API key", "type", "invalid_request_error", "code", "invalid_api_key")));
            return;
        }
        List<?> allow = (List<?>) tenantKeys.get(keyId).get("ipAllow");
        if (allow != null && !allow.isEmpty() && allow.stream().noneMatch(a -> String.valueOf(a).startsWith("127."))) {
            // the relay checks the caller (the console, on loopback here) against the key's IP rules
            c.json(403, Map.of("error", Map.of("message", "This key may not be used from this address",
                    "type", "permission_error", "code", "ip_not_allowed")));
            return;
        }
        String name = c.text("model");
        List<String> targets = new ArrayList<>();
        List<Map<String, Object>> candidates = new ArrayList<>(), skipped = new ArrayList<>();
        String via = null;
        Map<String, Object> cluster = byName(clusters, "name", name);
        List<String> poolNames = new ArrayList<>();
        if (cluster != null) {
            via = "cluster:" + cluster.get("name");
            targets.add(name);
            for (Object o : (List<?>) cluster.get("members")) {
                poolNames.add((String) ((Map<?, ?>) o).get("name"));
            }
        } else if (byName(pools, "name", name) != null) {
            via = "pool:" + name;
            targets.add(name);
            poolNames.add(name);
        }
        for (String pn : poolNames) {
            Map<String, Object> pool = byName(pools, "name", pn);
            if (pool == null) {
                continue;
            }
            for (Object o : (List<?>) pool.get("members")) {
                Map<?, ?> mem = (Map<?, ?>) o;
                Map<String, Object> model = models.values().stream().filter(x -> x.get("provider").equals(mem.get("provider"))
                        && x.get("name").equals(mem.get("model"))).findFirst().orElseThrow();
                List<Map<String, Object>> keys = providerKeys.values().stream()
                        .filter(k -> k.get("providerId").equals(model.get("providerId"))).toList();
                if (keys.isEmpty()) {
                    skipped.add(row("provider", mem.get("provider"), "model", mem.get("model"), "key", null, "reason", "no_keys", "detail", null));
                }
                for (Map<String, Object> k : keys) {
                    candidates.add(row("provider", mem.get("provider"), "model", model.get("name"), "upstream_model", model.get("upstreamName"),
                            "key", k.get("label"), "via", (cluster != null ? "cluster:" + cluster.get("name") + " > " : "") + "pool:" + pn + " > " + mem.get("provider") + "/" + model.get("name"),
                            "half_open", false));
                }
            }
        }
        c.json(200, row("model", name, "protocol", "openai", "known", via != null, "resolved_via", via == null ? "unknown" : via, "targets", targets,
                "catalog_version", 42, "candidates", candidates, "skipped", skipped));
    }

    /** Counters that grow on every scrape, like a relay under a steady load with a few errors and failovers. */
    private synchronized String metrics() {
        int n = 80 + random.nextInt(60);
        requests += n;
        int err = random.nextInt(4);
        errors += err;
        failovers += random.nextInt(3);
        for (int i = 0; i < n; i++) {
            double up = 0.05 + Math.abs(random.nextGaussian()) * 0.12;
            double over = 0.0003 + Math.abs(random.nextGaussian()) * 0.0004;
            observe(upstreamBuckets, up);
            observe(overheadBuckets, over);
        }
        StringBuilder s = new StringBuilder("# TYPE switchboard_relay_requests_total counter\n");
        s.append("switchboard_relay_requests_total{endpoint=\"chat\",model=\"mock-fast\",provider=\"mock\",status=\"200\"} ")
                .append(requests - errors).append('\n');
        s.append("switchboard_relay_requests_total{endpoint=\"chat\",model=\"mock-fast\",provider=\"mock\",status=\"502\"} ")
                .append(errors).append('\n');
        s.append("switchboard_relay_failovers_total{provider=\"mock\",reason=\"rate_limited\"} ").append(failovers).append('\n');
        histogram(s, "switchboard_relay_upstream_duration_seconds", "{outcome=\"ok\",provider=\"mock\",", upstreamBuckets);
        histogram(s, "switchboard_relay_overhead_seconds", "{endpoint=\"chat\",", overheadBuckets);
        return s.toString();
    }

    private void observe(double[] buckets, double v) {
        for (int i = 0; i < bounds.length; i++) {
            if (v <= bounds[i]) {
                buckets[i]++;
            }
        }
        buckets[bounds.length]++;
    }

    private void histogram(StringBuilder s, String name, String labels, double[] buckets) {
        for (int i = 0; i < bounds.length; i++) {
            s.append(name).append("_bucket").append(labels).append("le=\"").append(bounds[i]).append("\"} ").append(buckets[i]).append('\n');
        }
        s.append(name).append("_bucket").append(labels).append("le=\"+Inf\"} ").append(buckets[bounds.length]).append('\n');
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
