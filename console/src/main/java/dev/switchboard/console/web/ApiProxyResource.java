package dev.switchboard.console.web;

import dev.switchboard.console.api.Api;
import dev.switchboard.console.api.ApiAnswer;
import dev.switchboard.console.api.ManagementClient;
import io.quarkus.oidc.AccessTokenCredential;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.regex.Pattern;

/**
 * The browser's only way to the management APIs: {@code /api/{auth|catalog|relay}/admin/...} is forwarded
 * to that service with the signed-in operator's access token, and the answer (problem+json included) comes
 * back unchanged. The token never reaches the browser; the APIs enforce the roles.
 *
 * <p>Only {@code admin/...} paths are forwarded (no {@code /internal}, no {@code /q}). Writes must carry
 * the header {@code X-Console: 1}, which a cross-site form cannot send, so a foreign page cannot ride the
 * session cookie.
 */
@Path("/api/{api: auth|catalog|relay}")
@Blocking
public class ApiProxyResource {

    static final String CSRF_HEADER = "X-Console";
    private static final Pattern SAFE_PATH = Pattern.compile("admin(/[A-Za-z0-9._~:%-]+)+");

    private final ManagementClient client;
    private final AccessTokenCredential token;

    public ApiProxyResource(ManagementClient client, AccessTokenCredential token) {
        this.client = client;
        this.token = token;
    }

    @GET
    @Path("{path: .+}")
    public Response get(@PathParam("api") String api, @PathParam("path") String path, @Context UriInfo uri) {
        return forward(api, "GET", path, uri, null, "1");
    }

    @POST
    @Path("{path: .+}")
    public Response post(@PathParam("api") String api, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(CSRF_HEADER) String csrf, byte[] body) {
        return forward(api, "POST", path, uri, body, csrf);
    }

    @PATCH
    @Path("{path: .+}")
    public Response patch(@PathParam("api") String api, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(CSRF_HEADER) String csrf, byte[] body) {
        return forward(api, "PATCH", path, uri, body, csrf);
    }

    @DELETE
    @Path("{path: .+}")
    public Response delete(@PathParam("api") String api, @PathParam("path") String path, @Context UriInfo uri,
            @HeaderParam(CSRF_HEADER) String csrf) {
        return forward(api, "DELETE", path, uri, null, csrf);
    }

    private Response forward(String apiName, String method, String path, UriInfo uri, byte[] body, String csrf) {
        if (!"1".equals(csrf)) {
            return Problems.response(403, "Forbidden", "Writes need the console's X-Console header.");
        }
        String rawPath = uri.getRequestUri().getRawPath();
        String forwarded = rawPath.substring(rawPath.indexOf("/api/" + apiName + "/") + apiName.length() + 6);
        if (!SAFE_PATH.matcher(forwarded).matches() || forwarded.contains("..")) {
            return Problems.response(404, "Not found", "The console forwards only management paths.");
        }
        String query = uri.getRequestUri().getRawQuery();
        Api api = Api.byName(apiName).orElseThrow();
        ApiAnswer answer = client.call(api, method, "/" + forwarded + (query == null ? "" : "?" + query), body,
                token.getToken());
        return Problems.relay(answer);
    }
}
