package dev.switchboard.relay.upstream;

import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.config.RelayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP hop to upstream providers: one keep-alive connection pool per provider (and base URL),
 * headers filtered to what the provider should see, the provider key added by the provider's
 * dialect. Never blocks: everything returns Vert.x futures.
 */
@ApplicationScoped
public class UpstreamClient {

    /** Client headers worth forwarding; everything else (hop-by-hop, credentials, cookies, proxies) is dropped. */
    private static final Set<String> FORWARDED = Set.of(
            "content-type", "accept", "user-agent", "anthropic-version", "anthropic-beta", "openai-beta",
            "traceparent", "tracestate");

    private final Vertx vertx;
    private final ProviderSecrets secrets;
    private final int poolSize;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    private record Pool(HttpClient client, String host, int port, boolean tls, String basePath) {
    }

    public UpstreamClient(Vertx vertx, ProviderSecrets secrets, RelayConfig config) {
        this.vertx = vertx;
        this.secrets = secrets;
        this.poolSize = config.request().poolSize();
    }

    void stop(@Observes ShutdownEvent event) {
        pools.values().forEach(p -> p.client().close());
        pools.clear();
    }

    /**
     * Opens a request to the provider; the caller sends the body.
     *
     * @param path API path below the provider base URL, e.g. {@code /v1/chat/completions}
     */
    public Future<HttpClientRequest> open(ProviderSnapshot provider, ProviderKeySnapshot key, String path,
            MultiMap clientHeaders, String requestId) {
        Pool pool;
        try {
            pool = pool(provider);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new java.net.ConnectException("invalid provider base URL"));
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(pool.host())
                .setPort(pool.port())
                .setSsl(pool.tls())
                .setURI(pool.basePath() + path)
                .setConnectTimeout(provider.timeouts().connectMs());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (clientHeaders != null) {
            clientHeaders.forEach(e -> {
                if (FORWARDED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    headers.add(e.getKey(), e.getValue());
                }
            });
        }
        if (!headers.contains("content-type")) {
            headers.set("content-type", "application/json");
        }
        provider.headers().forEach(headers::set);
        if (requestId != null) {
            headers.set("x-request-id", requestId);
        }
        Dialect.of(provider.protocol()).authorize(headers, secrets.secret(key));
        options.setHeaders(headers);
        return pool.client().request(options);
    }

    private Pool pool(ProviderSnapshot provider) {
        String id = provider.id() + "|" + provider.baseUrl() + "|" + provider.timeouts().connectMs();
        Pool existing = pools.get(id);
        if (existing != null) {
            return existing;
        }
        return pools.computeIfAbsent(id, k -> {
            URI uri = URI.create(provider.baseUrl());
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            boolean tls = "https".equalsIgnoreCase(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            String base = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            if (base.endsWith("/v1")) {
                base = base.substring(0, base.length() - 3); // the relay appends /v1/...
            }
            HttpClientOptions options = new HttpClientOptions()
                    .setKeepAlive(true)
                    .setTcpNoDelay(true)
                    .setConnectTimeout(provider.timeouts().connectMs())
                    .setSsl(tls)
                    .setUseAlpn(tls)
                    .setTryUseCompression(false)
                    .setDecompressionSupported(false);
            // pools of older catalog versions of a provider are left to idle out: closing them would cut
            // streams still running on them
            HttpClient client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize).setHttp2MaxSize(poolSize / 8 + 1));
            return new Pool(client, uri.getHost(), port, tls, base);
        });
    }
}
