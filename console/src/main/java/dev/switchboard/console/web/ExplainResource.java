package dev.switchboard.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.api.Api;
import dev.switchboard.console.api.ManagementClient;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;

/**
 * The "try a model name" box. The relay explains a name for one tenant key (the group decides the
 * routing map and the allowed models), so the operator pastes a tenant key; the console sends it to the
 * relay's {@code /v1/route/explain} as that tenant and forgets it. The key is neither stored nor logged.
 */
@Path("/api/explain")
@Blocking
public class ExplainResource {

    /** @param protocol openai (chat completions view) or anthropic (/v1/messages view) */
    public record ExplainRequest(String key, String model, String protocol) {
    }

    private final ManagementClient client;
    private final ObjectMapper json;

    public ExplainResource(ManagementClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    @POST
    public Response explain(@HeaderParam(ApiProxyResource.CSRF_HEADER) String csrf, ExplainRequest req)
            throws IOException {
        if (!"1".equals(csrf)) {
            return Problems.response(403, "Forbidden", "Writes need the console's X-Console header.");
        }
        if (req == null || req.key() == null || req.key().isBlank()) {
            return Problems.response(422, "Tenant key needed", "Paste a tenant API key: explain resolves a name for its group.");
        }
        if (req.model() == null || req.model().isBlank()) {
            return Problems.response(422, "Model needed", "Type a model name to explain.");
        }
        String query = "anthropic".equals(req.protocol()) ? "?protocol=anthropic" : "";
        byte[] body = json.writeValueAsBytes(Map.of("model", req.model().trim()));
        return Problems.relay(client.call(Api.RELAY, "POST", "/v1/route/explain" + query, body, req.key().trim()));
    }
}
