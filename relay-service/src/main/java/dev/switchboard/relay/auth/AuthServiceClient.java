package dev.switchboard.relay.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.contracts.auth.ApiKeySnapshot;
import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.relay.config.RelayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The third level of the key lookup: auth-service's internal snapshot endpoint, which loads from
 * PostgreSQL and fills Redis. Guarded by a timeout and a circuit breaker; when it fails, the
 * fallback serves a stale L1 entry, else the request gets 503 (never 401: the key may be valid).
 */
@ApplicationScoped
public class AuthServiceClient {

    private final HttpClient client;
    private final RelayConfig.Auth config;
    private final String basePath;
    private final ObjectMapper mapper;
    private final AuthCache cache;

    public AuthServiceClient(Vertx vertx, RelayConfig config, ObjectMapper mapper, AuthCache cache) {
        this.config = config.auth();
        URI uri = URI.create(this.config.serviceUrl());
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80)
                .setSsl(tls)
                .setKeepAlive(true)
                .setConnectTimeout((int) this.config.serviceTimeout().toMillis())
                .setMaxPoolSize(32));
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.mapper = mapper;
        this.cache = cache;
    }

    /** The entry for a key hash; a 404 from auth-service is a negative entry. */
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Fallback(fallbackMethod = "staleOrUnavailable")
    public Uni<AuthCacheEntry> fetch(String sha256Hex) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setURI(basePath + "/internal/v1/auth-snapshots/" + sha256Hex)
                .setTimeout(config.serviceTimeout().toMillis());
        config.internalToken().ifPresent(t -> options.putHeader("x-switchboard-service-token", t));
        return Uni.createFrom().completionStage(() -> client.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == 404) {
                        return AuthCacheEntry.notFound(0);
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("auth-service answered " + resp.statusCode());
                    }
                    return parse(body.getBytes());
                }))
                .toCompletionStage());
    }

    Uni<AuthCacheEntry> staleOrUnavailable(String sha256Hex) {
        AuthCache.Cached stale = cache.stale(sha256Hex);
        if (stale != null) {
            return Uni.createFrom().item(stale.entry());
        }
        return Uni.createFrom().failure(TenantAuthException.unavailable());
    }

    private AuthCacheEntry parse(byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node.has("notFound")) {
                return mapper.treeToValue(node, AuthCacheEntry.class);
            }
            return AuthCacheEntry.found(mapper.treeToValue(node, ApiKeySnapshot.class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("auth-service sent an unreadable snapshot");
        }
    }
}
