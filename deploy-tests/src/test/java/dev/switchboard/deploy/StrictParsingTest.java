package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictParsingTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "../keycloak"})
    void everyRenderedDocumentParsesWithoutUnknownFields(String kustomization) {
        List<JsonNode> documents = Kustomize.render(kustomization);
        assertThat(documents).isNotEmpty();
        List<String> failures = new ArrayList<>();
        for (JsonNode document : documents) {
            try {
                StrictKubernetesParser.parse(document);
            } catch (IllegalArgumentException e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).as("documents rejected in %s", kustomization).isEmpty();
    }

    @Test
    void parsesTheValidFixture() throws IOException {
        HasMetadata parsed = StrictKubernetesParser.parse(fixture());
        assertThat(parsed).isInstanceOf(Deployment.class);
        assertThat(((Deployment) parsed).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    }

    @Test
    void rejectsAMisspeltField() throws IOException {
        JsonNode document = fixture();
        ObjectNode httpGet = (ObjectNode) document.at("/spec/template/spec/containers/0/livenessProbe/httpGet");
        httpGet.remove("path");
        httpGet.put("pathh", "/q/health/live");

        assertThatThrownBy(() -> StrictKubernetesParser.parse(document))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Deployment demo")
                .hasMessageContaining("pathh");
    }

    @Test
    void rejectsAFieldAtTheWrongLevel() throws IOException {
        JsonNode document = fixture();
        // probes belong to a container, not to the pod spec
        ObjectNode podSpec = (ObjectNode) document.at("/spec/template/spec");
        podSpec.set("livenessProbe", document.at("/spec/template/spec/containers/0/livenessProbe").deepCopy());

        assertThatThrownBy(() -> StrictKubernetesParser.parse(document))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("livenessProbe");
    }

    @Test
    void rejectsAnUnknownKind() throws IOException {
        ObjectNode document = (ObjectNode) fixture();
        document.put("kind", "Deploymnet");

        assertThatThrownBy(() -> StrictKubernetesParser.parse(document))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apps/v1/Deploymnet");
    }

    private static JsonNode fixture() throws IOException {
        try (InputStream in = StrictParsingTest.class.getResourceAsStream("/manifests/deployment.yaml")) {
            List<JsonNode> docs = Kustomize.parseAll(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(docs).hasSize(1);
            return docs.get(0);
        }
    }
}
