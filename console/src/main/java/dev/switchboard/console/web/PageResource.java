package dev.switchboard.console.web;

import io.quarkus.qute.Engine;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The console's pages: server-rendered shells (navigation, forms, empty tables) that the page script
 * fills from {@code /api/...}. Edit controls are rendered only for {@code switchboard-admin}; a viewer's
 * page has none in its source at all. No page carries data from the APIs, so no secret is ever in HTML.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class PageResource {

    /** One navigation entry. */
    public record NavItem(String path, String label, String section) {
    }

    static final List<NavItem> NAV = List.of(
            new NavItem("/", "Dashboard", "Overview"),
            new NavItem("/providers", "Providers", "Catalog"),
            new NavItem("/models", "Models", "Catalog"),
            new NavItem("/pools", "Pools", "Catalog"),
            new NavItem("/clusters", "Clusters", "Catalog"),
            new NavItem("/routes", "Routes", "Catalog"),
            new NavItem("/users", "Users", "Tenants"),
            new NavItem("/groups", "Groups", "Tenants"),
            new NavItem("/keys", "Keys", "Tenants"),
            new NavItem("/usage", "Usage", "Operations"),
            new NavItem("/cooldowns", "Cooldowns", "Operations"));

    private final SecurityIdentity identity;
    private final Engine engine;

    public PageResource(SecurityIdentity identity, Engine engine) {
        this.identity = identity;
        this.engine = engine;
    }

    @GET
    public String dashboard() {
        return page("dashboard", "/", "Dashboard");
    }

    @GET
    @Path("providers")
    public String providers() {
        return page("providers", "/providers", "Providers");
    }

    @GET
    @Path("models")
    public String models() {
        return page("models", "/models", "Models and prices");
    }

    @GET
    @Path("pools")
    public String pools() {
        return page("pools", "/pools", "Pools");
    }

    @GET
    @Path("clusters")
    public String clusters() {
        return page("clusters", "/clusters", "Clusters");
    }

    @GET
    @Path("routes")
    public String routes() {
        return page("routes", "/routes", "Model routes");
    }

    @GET
    @Path("users")
    public String users() {
        return page("users", "/users", "Users");
    }

    @GET
    @Path("groups")
    public String groups() {
        return page("groups", "/groups", "Groups");
    }

    @GET
    @Path("keys")
    public String keys() {
        return page("keys", "/keys", "Tenant keys");
    }

    @GET
    @Path("usage")
    public String usage() {
        return page("usage", "/usage", "Usage");
    }

    @GET
    @Path("cooldowns")
    public String cooldowns() {
        return page("cooldowns", "/cooldowns", "Cooldowns");
    }

    /** Where the identity provider sends the browser after sign-out; public. */
    @GET
    @Path("signed-out")
    public String signedOut() {
        return engine.getTemplate("signed-out").render();
    }

    private String page(String template, String path, String title) {
        boolean admin = identity.hasRole("switchboard-admin");
        return engine.getTemplate(template).data("title", title).data("path", path).data("nav", NAV).data("admin", admin)
                .data("user", identity.getPrincipal().getName()).data("role", admin ? "admin" : "viewer").render();
    }
}
