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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The usage report as CSV, the same query as the usage page: a download, not a page. */
@Path("/export/usage.csv")
@Blocking
public class UsageExportResource {

    private static final Set<String> GROUP_BY = Set.of("key", "user", "group", "model", "day");

    private final ManagementClient client;
    private final AccessTokenCredential token;
    private final ObjectMapper json;

    public UsageExportResource(ManagementClient client, AccessTokenCredential token, ObjectMapper json) {
        this.client = client;
        this.token = token;
        this.json = json;
    }

    @GET
    public Response csv(@QueryParam("groupBy") String groupBy, @QueryParam("from") String from,
            @QueryParam("to") String to) throws IOException {
        String by = groupBy == null || !GROUP_BY.contains(groupBy) ? "day" : groupBy;
        StringBuilder q = new StringBuilder("/admin/usage?groupBy=").append(by);
        if (from != null && !from.isBlank()) {
            q.append("&from=").append(URLEncoder.encode(from, StandardCharsets.UTF_8));
        }
        if (to != null && !to.isBlank()) {
            q.append("&to=").append(URLEncoder.encode(to, StandardCharsets.UTF_8));
        }
        ApiAnswer answer = client.call(Api.AUTH, "GET", q.toString(), null, token.getToken());
        if (answer.status() != 200) {
            return Problems.relay(answer);
        }
        JsonNode report = json.readTree(answer.body());
        StringBuilder csv = new StringBuilder(by).append(",requests,promptTokens,completionTokens,costUsd\n");
        for (JsonNode row : report.path("rows")) {
            csv.append(cell(row.path("key").asText())).append(',')
                    .append(row.path("requests").asLong()).append(',')
                    .append(row.path("promptTokens").asLong()).append(',')
                    .append(row.path("completionTokens").asLong()).append(',')
                    .append(row.path("costUsd").asText("0")).append('\n');
        }
        return Response.ok(csv.toString(), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"usage-by-" + by + ".csv\"")
                .header("Cache-Control", "no-store").build();
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed so a spreadsheet never runs it as a formula. */
    static String cell(String v) {
        String s = v;
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
