package dev.switchboard.admin;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Declares once what every management operation shares, so resources list only their own answers:
 * the bearer security scheme (Swagger UI's Authorize button takes a Keycloak access token), the
 * security requirement and the 401/403 problem answers of every {@code /admin} operation, and the
 * {@code Problem} schema of every 4xx/5xx answer that names none. Registered with
 * {@code mp.openapi.filter=dev.switchboard.admin.AdminOpenApiFilter}.
 */
public class AdminOpenApiFilter implements OASFilter {

    public static final String SCHEME = "bearer";
    static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSecurityScheme(SCHEME, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("An access token of the Switchboard realm with switchboard-admin or switchboard-viewer"));
        if (components.getSchemas() == null || !components.getSchemas().containsKey("Problem")) {
            components.addSchema("Problem", problemSchema());
        }
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            boolean admin = path.getKey().equals("/admin") || path.getKey().startsWith("/admin/");
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().getOperations().entrySet()) {
                Operation operation = op.getValue();
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                if (admin) {
                    operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(SCHEME)));
                    responses.addAPIResponse("401", problem("No or invalid bearer token"));
                    responses.addAPIResponse("403", problem(op.getKey() == PathItem.HttpMethod.GET
                            ? "The token has neither switchboard-viewer nor switchboard-admin"
                            : "The token lacks switchboard-admin"));
                }
                if (responses.getAPIResponses() != null) {
                    responses.getAPIResponses().forEach((status, response) -> {
                        if (status.startsWith("4") || status.startsWith("5")) {
                            if (response.getContent() == null || response.getContent().getMediaTypes() == null
                                    || response.getContent().getMediaTypes().isEmpty()) {
                                response.setContent(problemContent());
                            }
                        }
                    });
                }
            }
        }
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(problemContent());
    }

    private static org.eclipse.microprofile.openapi.models.media.Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", string).addProperty("message", string);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details; a 422 lists every invalid field in errors")
                .addProperty("type", string)
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("requestId", string)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .required(List.of("type", "title", "status"));
    }
}
