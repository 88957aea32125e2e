package dev.switchboard.relay.rest;

import dev.switchboard.contracts.RequestIds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.relay.auth.TenantAuthException;
import dev.switchboard.relay.auth.TenantAuthenticator;
import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.config.RelayConfig;
import dev.switchboard.relay.failover.CooldownService;
import dev.switchboard.relay.limits.HeadroomTracker;
import dev.switchboard.relay.limits.LimitService;
import dev.switchboard.relay.proxy.Endpoint;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.proxy.ProxyService;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.routing.CandidatePrice;
import dev.switchboard.relay.routing.ListedModel;
import dev.switchboard.relay.routing.Resolution;
import dev.switchboard.relay.routing.ResolveRequest;
import dev.switchboard.relay.routing.Skip;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.translate.Translator;
import dev.switchboard.relay.translate.Wire;
import dev.switchboard.relay.upstream.RequestBody;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The tenant-facing endpoints, as plain Vert.x routes so streamed responses go out chunk by chunk
 * with nothing in between. Thin: parse, authenticate, hand over to {@link ProxyService}. Documented
 * in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class TenantRoutes {

    private static final Logger LOG = Logger.getLogger(TenantRoutes.class);
    static final String START = "sb.start";
    static final String REQUEST_ID = "sb.requestId";

    private final TenantAuthenticator authenticator;
    private final ProxyService proxy;
    private final CatalogHolder catalog;
    private final CooldownService cooldowns;
    private final HeadroomTracker headroom;
    private final ObjectMapper mapper;
    private final BodyIntake bodies;
    private final int maxBody;

    public TenantRoutes(TenantAuthenticator authenticator, ProxyService proxy, CatalogHolder catalog,
            CooldownService cooldowns, HeadroomTracker headroom, ObjectMapper mapper, BodyIntake bodies,
            RelayConfig config) {
        this.authenticator = authenticator;
        this.bodies = bodies;
        this.proxy = proxy;
        this.catalog = catalog;
        this.cooldowns = cooldowns;
        this.headroom = headroom;
        this.mapper = mapper;
        this.maxBody = config.request().maxBodyBytes();
    }

    /**
     * One route per endpoint, ordered before Quarkus' own per-request handlers (HTTP security, OIDC
     * back-channel logout and resource metadata, the REST security hook, the body-size check): tenant
     * endpoints use none of them (tenant keys are checked by {@link TenantAuthenticator}, the body limit
     * by {@link BodyIntake}), and each cost a route match and a hop on every request. A handler that
     * throws answers 500 in the endpoint's shape instead of going through Vert.x failure routing.
     *
     * <p>A POST is authenticated from its headers while the request stays paused; only then is the body read
     * ({@link BodyIntake}), so a missing, malformed or unknown key costs no body byte in memory.
     */
    void register(@Observes Router router) {
        int order = TENANT_ROUTE_ORDER;
        for (Endpoint e : Endpoint.values()) {
            router.post(e.path()).order(order++).handler(guard(e.dialect(), rc -> {
                rc.request().pause();
                if (precheck(rc, e.dialect())) {
                    authenticated(rc, e.dialect(), true,
                            key -> bodies.read(rc, e.dialect(), raw -> proxied(rc, e, key, raw)));
                }
            }));
        }
        router.post("/v1/route/explain").order(order++).handler(guard(Dialect.OPENAI, rc -> {
            rc.request().pause();
            if (precheck(rc, Dialect.OPENAI)) {
                authenticated(rc, Dialect.OPENAI, true, key -> bodies.read(rc, Dialect.OPENAI, raw -> explain(rc, key, raw)));
            }
        }));
        router.get("/v1/models").order(order++).handler(guard(Dialect.OPENAI, rc -> {
            begin(rc);
            models(rc);
        }));
        router.getWithRegex("/v1/models/(?<id>.+)").order(order++).handler(guard(Dialect.OPENAI, rc -> {
            begin(rc);
            model(rc);
        }));
    }

    /** Before Quarkus' handlers, which start at -200 (HttpSecurityRecorder's authentication handler). */
    static final int TENANT_ROUTE_ORDER = -1_000;

    private static io.vertx.core.Handler<RoutingContext> guard(Dialect protocol,
            io.vertx.core.Handler<RoutingContext> handler) {
        return rc -> {
            try {
                handler.handle(rc);
            } catch (RuntimeException e) {
                LOG.warnf("request failed before proxying: %s", e.getClass().getSimpleName());
                error(rc.response(), protocol, 500, "internal_error", "The request could not be processed");
            }
        };
    }

    // ---------------------------------------------------------------- common steps

    private static String begin(RoutingContext rc) {
        String id = rc.get(REQUEST_ID);
        if (id != null) {
            return id;
        }
        rc.put(START, System.nanoTime());
        id = RequestIds.accept(rc.request().getHeader(RequestIds.HEADER));
        rc.put(REQUEST_ID, id);
        MDC.put(RequestIds.MDC_KEY, id);
        rc.response().putHeader(RequestIds.HEADER, id);
        return id;
    }

    /** Content type and declared length, checked before a byte of the body is read; false when it answered. */
    private boolean precheck(RoutingContext rc, Dialect protocol) {
        begin(rc);
        String type = rc.request().getHeader("content-type");
        if (type != null && !isJson(type)) {
            bodies.refuse(rc, protocol, 415, "unsupported_media_type",
                    "Content-Type must be application/json, got '" + type.split(";")[0].trim() + "'");
            return false;
        }
        String length = rc.request().getHeader("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBody) {
                    tooLarge(rc, protocol);
                    return false;
                }
            } catch (NumberFormatException e) {
                bodies.refuse(rc, protocol, 400, "invalid_request", "Invalid Content-Length");
                return false;
            }
        }
        return true;
    }

    private static boolean isJson(String contentType) {
        String t = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"));
    }

    private void tooLarge(RoutingContext rc, Dialect protocol) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            rc.response().putHeader("connection", "close");
        }
        bodies.refuse(rc, protocol, 413, "request_too_large",
                "Request body is larger than the limit of " + maxBody + " bytes");
    }

    static void error(HttpServerResponse out, Dialect protocol, int status, String code, String message) {
        error(out, protocol, status, code, message, status == 503 ? 1 : 0);
    }

    static void error(HttpServerResponse out, Dialect protocol, int status, String code, String message,
            long retryAfterSeconds) {
        if (out.headWritten() || out.closed()) {
            return;
        }
        out.setStatusCode(status).putHeader("content-type", "application/json");
        if (retryAfterSeconds > 0) {
            out.putHeader("retry-after", Long.toString(retryAfterSeconds));
        }
        out.end(io.vertx.core.buffer.Buffer.buffer(protocol.errorBody(status, code, message, null)));
    }

    /** @param unreadBody true while the request's body is still unread (paused): a refusal then drops it */
    private void authenticated(RoutingContext rc, Dialect protocol, boolean unreadBody,
            java.util.function.Consumer<ApiKeySnapshot> then) {
        io.vertx.core.Context ctx = rc.vertx().getOrCreateContext();
        authenticator.authenticate(rc.request()).subscribe().with(
                key -> onContext(ctx, () -> {
                    if (rc.response().closed()) {
                        return; // the client left while its key was looked up: nothing to read, nobody to answer
                    }
                    guard(protocol, r -> then.accept(key)).handle(rc);
                }),
                err -> onContext(ctx, () -> {
                    if (err instanceof TenantAuthException e) {
                        if (e.retryAfterSeconds() > 0) {
                            rc.response().putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
                        }
                        refuse(rc, protocol, unreadBody, e.status(), e.code(), e.getMessage());
                    } else {
                        LOG.warnf("authentication failed: %s", err.getClass().getSimpleName());
                        refuse(rc, protocol, unreadBody, 503, "auth_unavailable",
                                "API key could not be verified right now; retry shortly");
                    }
                }));
    }

    private void refuse(RoutingContext rc, Dialect protocol, boolean unreadBody, int status, String code,
            String message) {
        if (unreadBody) {
            bodies.refuse(rc, protocol, status, code, message);
        } else {
            error(rc.response(), protocol, status, code, message);
        }
    }

    private static void onContext(io.vertx.core.Context ctx, Runnable r) {
        if (io.vertx.core.Vertx.currentContext() == ctx) {
            r.run();
        } else {
            ctx.runOnContext(v -> r.run());
        }
    }

    // ---------------------------------------------------------------- proxied endpoints

    private void proxied(RoutingContext rc, Endpoint endpoint, ApiKeySnapshot key, byte[] raw) {
        String requestId = begin(rc);
        long start = rc.get(START);
        RequestBody body;
        try {
            body = RequestBody.parse(raw);
        } catch (RequestBody.Invalid e) {
            error(rc.response(), endpoint.dialect(), 400, "invalid_request_error", e.getMessage());
            return;
        }
        if (endpoint == Endpoint.EMBEDDINGS && body.stream()) {
            error(rc.response(), endpoint.dialect(), 400, "invalid_request_error", "Embeddings cannot be streamed");
            return;
        }
        if (endpoint == Endpoint.RESPONSES && !responsesAcceptable(rc, raw)) {
            return;
        }
        proxy.proxy(rc, endpoint, body, key, requestId, start);
    }

    /** Stored state and malformed input are refused before admission, whichever candidate would serve; false when it answered. */
    private boolean responsesAcceptable(RoutingContext rc, byte[] raw) {
        try {
            Translator.checkResponsesRequest((com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(raw));
            return true;
        } catch (TranslationException e) {
            rc.response().setStatusCode(e.status()).putHeader("content-type", "application/json")
                    .end(Translator.error(Wire.OPENAI_RESPONSES, e));
        } catch (java.io.IOException | ClassCastException e) {
            error(rc.response(), Dialect.RESPONSES, 400, "invalid_request_error", "Request body must be a JSON object");
        }
        return false;
    }

    // ---------------------------------------------------------------- explain

    private void explain(RoutingContext rc, ApiKeySnapshot key, byte[] raw) {
        RequestBody body;
        try {
            body = RequestBody.parse(raw);
        } catch (RequestBody.Invalid e) {
            error(rc.response(), Dialect.OPENAI, 400, "invalid_request_error", e.getMessage());
            return;
        }
        CatalogHolder.Loaded loaded = catalog.current();
        if (loaded == null) {
            error(rc.response(), Dialect.OPENAI, 503, "catalog_unavailable", "The model catalog is not loaded yet");
            return;
        }
        Dialect client = explainedDialect(rc);
        String protocol = client.wire();
        // chat endpoints are served by either protocol: a candidate of the other one is translated
        boolean metered = LimitService.metered(key);
        Resolution r = loaded.resolver().resolve(new ResolveRequest(body.model(), key.group(), protocol, cooldowns,
                headroom, System.currentTimeMillis(), true, metered));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", r.requestedModel());
        doc.put("protocol", client.label());
        doc.put("known", r.known());
        doc.put("resolved_via", r.resolvedVia());
        doc.put("targets", r.targets());
        doc.put("metered", metered);
        doc.put("catalog_version", loaded.index().version());
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Candidate c : r.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", c.provider().name());
            m.put("model", c.model());
            m.put("upstream_model", c.upstreamModel());
            m.put("key", c.keyLabel());
            m.put("via", c.via());
            m.put("half_open", c.probeScope() != null);
            Dialect serving = Dialect.serving(c.provider(), client);
            m.put("translated", serving == client ? null : client.label() + "->" + serving.label());
            m.put("price", priceDoc(c.price()));
            candidates.add(m);
        }
        doc.put("candidates", candidates);
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (Skip k : r.skipped()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", k.provider());
            m.put("model", k.model());
            m.put("key", k.keyLabel());
            m.put("reason", k.reason());
            m.put("detail", k.detail());
            skipped.add(m);
        }
        doc.put("skipped", skipped);
        json(rc, 200, doc);
    }

    /** {@code {input_per_mtok, output_per_mtok, source: model|provider_default}}, or null for an unpriced candidate. */
    private static Map<String, Object> priceDoc(CandidatePrice p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_per_mtok", p.price().inputPricePerMTok());
        m.put("output_per_mtok", p.price().outputPricePerMTok());
        m.put("source", p.source().label());
        return m;
    }

    /** {@code ?protocol=anthropic} explains /v1/messages, {@code ?protocol=responses} /v1/responses, else chat. */
    private static Dialect explainedDialect(RoutingContext rc) {
        String p = rc.queryParams().get("protocol");
        if ("anthropic".equalsIgnoreCase(p)) {
            return Dialect.ANTHROPIC;
        }
        return "responses".equalsIgnoreCase(p) ? Dialect.RESPONSES : Dialect.OPENAI;
    }

    // ---------------------------------------------------------------- models

    private static Dialect listingProtocol(RoutingContext rc) {
        return rc.request().getHeader("anthropic-version") != null ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    private void models(RoutingContext rc) {
        Dialect protocol = listingProtocol(rc);
        authenticated(rc, protocol, false, key -> {
            CatalogHolder.Loaded loaded = catalog.current();
            if (loaded == null) {
                error(rc.response(), protocol, 503, "catalog_unavailable", "The model catalog is not loaded yet");
                return;
            }
            List<Map<String, Object>> data = new ArrayList<>();
            Instant created = created(loaded);
            for (ListedModel m : loaded.visible(key.group())) {
                data.add(modelDoc(m, created));
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("object", "list");
            doc.put("data", data);
            doc.put("has_more", false);
            doc.put("first_id", data.isEmpty() ? null : data.get(0).get("id"));
            doc.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).get("id"));
            json(rc, 200, doc);
        });
    }

    private void model(RoutingContext rc) {
        Dialect protocol = listingProtocol(rc);
        String id = rc.pathParam("id");
        authenticated(rc, protocol, false, key -> {
            CatalogHolder.Loaded loaded = catalog.current();
            if (loaded == null) {
                error(rc.response(), protocol, 503, "catalog_unavailable", "The model catalog is not loaded yet");
                return;
            }
            for (ListedModel m : loaded.visible(key.group())) {
                if (m.id().equals(id)) {
                    json(rc, 200, modelDoc(m, created(loaded)));
                    return;
                }
            }
            error(rc.response(), protocol, 404, "model_not_found",
                    "The model '" + id + "' does not exist or you do not have access to it");
        });
    }

    private static Instant created(CatalogHolder.Loaded loaded) {
        Instant at = loaded.index().snapshot().publishedAt();
        return at == null ? Instant.EPOCH : at;
    }

    private static Map<String, Object> modelDoc(ListedModel m, Instant created) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", m.id());
        d.put("object", "model");
        d.put("created", created.getEpochSecond());
        d.put("owned_by", m.ownedBy());
        d.put("type", "model");
        d.put("display_name", m.id());
        d.put("created_at", created.toString());
        d.put("switchboard_kind", m.kind());
        return d;
    }

    private void json(RoutingContext rc, int status, Object doc) {
        try {
            rc.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(mapper.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            error(rc.response(), Dialect.OPENAI, 500, "internal_error", "Response could not be written");
        }
    }
}
