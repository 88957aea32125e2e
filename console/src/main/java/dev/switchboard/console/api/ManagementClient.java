package dev.switchboard.console.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.config.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Calls a management API on behalf of the signed-in operator. The operator's own bearer token is sent, so
 * every API decides by itself what that operator may do; the console adds no privilege of its own.
 *
 * <p>Request and response bodies are never logged: they carry provider secrets and tenant keys.
 */
@ApplicationScoped
public class ManagementClient {

    private static final Logger LOG = Logger.getLogger(ManagementClient.class);
    public static final String PROBLEM_JSON = "application/problem+json";

    private final ConsoleConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public ManagementClient(ConsoleConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * @param pathAndQuery starts with {@code /}, already validated by the caller
     * @param bearer the operator's access token, or a tenant key for route explain
     */
    public ApiAnswer call(Api api, String method, String pathAndQuery, byte[] body, String bearer) {
        return call(api, URI.create(api.baseUrl(config) + pathAndQuery), method, body, bearer);
    }

    private ApiAnswer call(Api api, URI uri, String method, byte[] body, String bearer) {
        String pathAndQuery = uri.getRawPath();
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", "application/json, application/problem+json");
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        if (body != null && body.length > 0) {
            req.header("Content-Type", "application/json");
            req.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = res.headers().firstValue("Content-Type").orElse("application/json");
            return new ApiAnswer(res.statusCode(), type, res.body(), false);
        } catch (HttpTimeoutException e) {
            LOG.warnf("%s did not answer %s %s within %s", api.service(), method, pathOnly(pathAndQuery),
                    config.requestTimeout());
            return down(api, api.service() + " did not answer in time.");
        } catch (IOException e) {
            LOG.warnf("%s is unreachable (%s %s): %s", api.service(), method, pathOnly(pathAndQuery),
                    e.getClass().getSimpleName());
            return down(api, api.service() + " is unreachable.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(api, "The console was interrupted while calling " + api.service() + ".");
        }
    }

    /** The relay's Prometheus metrics, from its management port, no token. */
    public ApiAnswer relayMetrics() {
        return call(Api.RELAY, URI.create(config.relayMetricsUrl()), "GET", null, null);
    }

    private ApiAnswer down(Api api, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Service unavailable");
        problem.put("status", 502);
        problem.put("detail", detail);
        problem.put("service", api.service());
        try {
            return new ApiAnswer(502, PROBLEM_JSON, json.writeValueAsBytes(problem), true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
