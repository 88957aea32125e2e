package dev.switchboard.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.api.Api;
import dev.switchboard.console.api.ApiAnswer;
import dev.switchboard.console.api.ManagementClient;
import io.quarkus.oidc.AccessTokenCredential;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reading for the dashboard: the relay's cumulative counters and histograms (from its Prometheus
 * endpoint) and today's spend (auth-service usage). The page turns two readings into rates and quantiles,
 * so the console keeps no state and any number of tabs can poll.
 */
@Path("/api/dashboard")
@Blocking
public class DashboardResource {

    private final ManagementClient client;
    private final AccessTokenCredential token;
    private final ObjectMapper json;

    public DashboardResource(ManagementClient client, AccessTokenCredential token, ObjectMapper json) {
        this.client = client;
        this.token = token;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> reading() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", System.currentTimeMillis());
        ApiAnswer metrics = client.relayMetrics();
        if (metrics.down() || metrics.status() != 200) {
            out.put("relayDown", true);
        } else {
            out.put("relay", RelayMetrics.parse(new String(metrics.body(), StandardCharsets.UTF_8)));
        }
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        ApiAnswer usage = client.call(Api.AUTH, "GET", "/admin/usage?groupBy=day&from=" + today, null, token.getToken());
        if (usage.down() || usage.status() != 200) {
            out.put("usageDown", true);
        } else {
            try {
                JsonNode totals = json.readTree(usage.body()).path("totals");
                out.put("spendTodayUsd", totals.path("costUsd").asDouble(0));
                out.put("requestsToday", totals.path("requests").asLong(0));
            } catch (java.io.IOException e) {
                out.put("usageDown", true);
            }
        }
        return out;
    }
}
