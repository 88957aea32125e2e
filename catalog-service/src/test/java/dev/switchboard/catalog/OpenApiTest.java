package dev.switchboard.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.rest.CatalogResource;
import dev.switchboard.catalog.rest.ClusterResource;
import dev.switchboard.catalog.rest.PoolResource;
import dev.switchboard.catalog.rest.ProviderKeyResource;
import dev.switchboard.catalog.rest.ProviderModelResource;
import dev.switchboard.catalog.rest.ProviderResource;
import dev.switchboard.catalog.rest.RouteResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every public operation is in /q/openapi with a tag, a summary, each status it can answer and its request schema. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    static final List<Class<?>> RESOURCES = List.of(ProviderResource.class, ProviderKeyResource.class,
            ProviderModelResource.class, PoolResource.class, ClusterResource.class, RouteResource.class,
            CatalogResource.class);

    record Op(String method, String path, boolean write) {
    }

    static List<Op> operations() {
        List<Op> ops = new ArrayList<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "get" : m.isAnnotationPresent(POST.class) ? "post"
                        : m.isAnnotationPresent(PATCH.class) ? "patch" : m.isAnnotationPresent(DELETE.class) ? "delete"
                        : m.isAnnotationPresent(PUT.class) ? "put" : null;
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String path = sub == null ? base : base + (sub.value().startsWith("/") ? "" : "/") + sub.value();
                RolesAllowed roles = m.getAnnotation(RolesAllowed.class);
                assertThat(roles).as("%s %s declares its roles", verb, path).isNotNull();
                ops.add(new Op(verb, path, roles.value().length == 1));
            }
        }
        return ops;
    }

    @Test
    void everyPublicOperationIsDocumented() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        assertThat(doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText())
                .isEqualTo("bearer");
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("errors")).isTrue();
        List<Op> ops = operations();
        assertThat(ops).hasSizeGreaterThanOrEqualTo(33);
        for (Op op : ops) {
            JsonNode node = doc.path("paths").path(op.path()).path(op.method());
            String what = op.method().toUpperCase(Locale.ROOT) + " " + op.path();
            assertThat(node.isMissingNode()).as("%s is documented", what).isFalse();
            assertThat(node.path("summary").asText()).as("%s has a summary", what).isNotBlank();
            assertThat(node.path("tags").size()).as("%s has a tag", what).isPositive();
            JsonNode responses = node.path("responses");
            assertThat(responses.has("401")).as("%s documents 401", what).isTrue();
            assertThat(responses.has("403")).as("%s documents 403", what).isTrue();
            assertThat(responses.has("200") || responses.has("201") || responses.has("204"))
                    .as("%s documents success", what).isTrue();
            if (op.method().equals("delete")) {
                assertThat(responses.has("204")).as("%s answers 204", what).isTrue();
            }
            assertThat(responses.path("401").path("content").has("application/problem+json"))
                    .as("%s 401 is a problem", what).isTrue();
            assertThat(node.path("security").toString()).as("%s needs the bearer token", what).contains("bearer");
            if (op.path().contains("{")) {
                assertThat(responses.has("404") || op.path().endsWith("snapshot")).as("%s documents 404", what).isTrue();
            }
            if (op.write() && (op.method().equals("post") || op.method().equals("patch"))
                    && !op.path().startsWith("/admin/catalog") && !op.path().startsWith("/admin/provider-keys")) {
                assertThat(responses.has("422")).as("%s documents 422", what).isTrue();
                JsonNode schema = node.path("requestBody").path("content").path("application/json").path("schema");
                String ref = schema.path("$ref").asText();
                assertThat(ref).as("%s names its request schema", what).startsWith("#/components/schemas/");
                JsonNode body = doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
                assertThat(body.path("properties").size()).as("%s request schema has its fields", what).isPositive();
            }
        }
    }
}
