package dev.switchboard.relay.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenApiTest {

    private static final List<String> TENANT_PATHS = List.of("/v1/chat/completions", "/v1/embeddings", "/v1/messages",
            "/v1/responses", "/v1/models", "/v1/models/{id}", "/v1/route/explain");

    @Test
    @SuppressWarnings("unchecked")
    void everyPublicPathIsDocumentedWithTagSummaryAndStatuses() {
        JsonPath doc = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        assertThat(paths.keySet()).containsAll(TENANT_PATHS);
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                if (!List.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    continue;
                }
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                assertThat((List<String>) operation.get("tags")).as(where + " tags").isNotEmpty();
                assertThat((String) operation.get("summary")).as(where + " summary").isNotBlank();
                Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
                assertThat(responses).as(where + " responses").isNotEmpty();
                if (path.getKey().startsWith("/v1/")) {
                    assertThat(responses.keySet()).as(where + " statuses").contains("200", "401", "403", "503");
                }
            }
        }
        assertThat((Map<String, Object>) paths.get("/v1/chat/completions").get("post")).extracting("responses")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("400", "404", "413", "415", "429", "502");
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
