package dev.switchboard.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.rest.ApiKeyResource;
import dev.switchboard.auth.rest.GroupResource;
import dev.switchboard.auth.rest.InternalSnapshotResource;
import dev.switchboard.auth.rest.SnapshotResource;
import dev.switchboard.auth.rest.UsageResource;
import dev.switchboard.auth.rest.UserResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every public path of every resource is in /q/openapi with a tag, a summary and its statuses. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    static final List<Class<?>> RESOURCES = List.of(UserResource.class, GroupResource.class, ApiKeyResource.class,
            SnapshotResource.class, UsageResource.class, InternalSnapshotResource.class);

    /** {@code body}: the resource method reads a request body (a parameter without a JAX-RS source annotation). */
    record Op(String method, String path, boolean body) {
    }

    private static boolean readsBody(Method m) {
        for (Annotation[] annotations : m.getParameterAnnotations()) {
            boolean fromRequestParts = false;
            for (Annotation a : annotations) {
                String pkg = a.annotationType().getPackageName();
                fromRequestParts |= pkg.equals("jakarta.ws.rs") || pkg.equals("jakarta.ws.rs.core");
            }
            if (!fromRequestParts) {
                return true;
            }
        }
        return false;
    }

    static List<Op> declaredOperations() {
        List<Op> ops = new ArrayList<>();
        for (Class<?> c : RESOURCES) {
            String base = c.getAnnotation(Path.class).value();
            for (Method m : c.getDeclaredMethods()) {
                String verb = null;
                for (Annotation a : m.getAnnotations()) {
                    HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
                    if (hm != null) {
                        verb = hm.value();
                    }
                }
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String path = sub == null ? base : base + "/" + sub.value();
                ops.add(new Op(verb.toLowerCase(), path.replaceAll("/+$", "").replace("//", "/"), readsBody(m)));
            }
        }
        return ops;
    }

    @Test
    void everyPublicOperationIsDocumented() {
        JsonPath doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        assertThat(doc.getString("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        assertThat(doc.getMap("components.schemas.Problem.properties")).containsKey("errors");
        List<Op> ops = declaredOperations();
        assertThat(ops).hasSizeGreaterThan(20);
        List<String> problems = new ArrayList<>();
        for (Op op : ops) {
            Object entry = paths.get(op.path) == null ? null : paths.get(op.path).get(op.method);
            if (!(entry instanceof Map<?, ?> operation)) {
                problems.add(op + " missing");
                continue;
            }
            if (operation.get("summary") == null || operation.get("tags") == null) {
                problems.add(op + " without summary or tag");
            }
            Map<?, ?> responses = (Map<?, ?>) operation.get("responses");
            if (op.path.startsWith("/admin") && (responses == null || !responses.containsKey("401") || !responses.containsKey("403"))) {
                problems.add(op + " does not document 401 and 403");
            }
            if (op.path.startsWith("/admin") && (operation.get("security") == null
                    || !operation.get("security").toString().contains("bearer"))) {
                problems.add(op + " does not require the bearer token");
            }
            if (op.path.startsWith("/internal") && (responses == null || !responses.containsKey("401") || !responses.containsKey("404"))) {
                problems.add(op + " does not document 401 and 404");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(ops).filteredOn(Op::body).hasSizeGreaterThanOrEqualTo(6);
        assertThat(paths.keySet()).allMatch(p -> p.startsWith("/admin") || p.startsWith("/internal"));
    }

    @Test
    void everyRequestBodyHasASchemaWithItsFields() {
        JsonPath doc = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Map<String, Object>> schemas = doc.getMap("components.schemas");
        List<String> problems = new ArrayList<>();
        for (Op op : declaredOperations()) {
            if (!op.body) {
                continue;
            }
            String ref = doc.getString("paths.'" + op.path + "'." + op.method + ".requestBody.content.'application/json'.schema.$ref");
            if (ref == null) {
                problems.add(op + " has no request body schema");
                continue;
            }
            Map<String, Object> schema = schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
            if (schema == null || !(schema.get("properties") instanceof Map<?, ?> properties) || properties.isEmpty()) {
                problems.add(op + " refers to " + ref + ", which lists no fields");
            } else if (properties.containsKey("unknownFields")) {
                problems.add(op + " shows the collector of unknown fields as a field");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(doc.getString("paths.'/admin/users/{id}'.patch.requestBody.content.'application/json'.schema.$ref"))
                .endsWith("/UserRequest");
        assertThat(doc.getString("paths.'/admin/keys/{id}'.patch.requestBody.content.'application/json'.schema.$ref"))
                .endsWith("/ApiKeyUpdateRequest");
        assertThat(doc.getMap("components.schemas.ApiKeyUpdateRequest.properties")).doesNotContainKeys("status", "userId");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
