package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/monitoring: the ServiceMonitor finds the relay's management port, the rules and the dashboard are sound. */
class MonitoringTest {

    private static final Pattern METRIC = Pattern.compile("\\bswitchboard_[a-z_]+");

    private static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(found).as("documents of kind %s", kind).hasSize(1);
        return found.get(0);
    }

    @Test
    void theServiceMonitorScrapesTheRelaysManagementService() {
        List<JsonNode> monitoring = Kustomize.renderDir("deploy/monitoring");
        JsonNode monitor = only(monitoring, "ServiceMonitor");
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode doc : Kustomize.render("base")) {
            if (!"Service".equals(doc.path("kind").asText())) {
                continue;
            }
            JsonNode labels = doc.path("metadata").path("labels");
            boolean all = true;
            for (var e : selector.properties()) {
                all &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
            }
            if (all) {
                matching.add(doc);
            }
        }
        assertThat(matching).as("Services the ServiceMonitor selects").hasSize(1);
        JsonNode service = matching.get(0);
        assertThat(service.path("metadata").path("name").asText()).isEqualTo("relay-service-management");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        List<String> portNames = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> portNames.add(p.path("name").asText()));
        assertThat(portNames).containsExactly(endpoint.path("port").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(service.path("spec").path("ports").get(0).path("port").asInt())
                .as("management Service port = the relay's quarkus.management.port")
                .isEqualTo(ServiceApp.load("relay-service").healthPort());
    }

    @Test
    void everyMetricInTheRulesAndTheDashboardIsOneTheRelayDocuments() throws IOException {
        String readme = Files.readString(Kustomize.root().resolve("relay-service/README.md"));
        Set<String> documented = metrics(readme);
        JsonNode rule = only(Kustomize.renderDir("deploy/monitoring"), "PrometheusRule");
        Set<String> used = metrics(rule.toString());
        used.addAll(metrics(Files.readString(Kustomize.root().resolve("deploy/monitoring/grafana-relay-dashboard.json"))));
        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
        int rules = 0;
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                assertThat(r.path("alert").asText()).isNotBlank();
                assertThat(r.path("expr").asText()).isNotBlank();
                assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
                rules++;
            }
        }
        assertThat(rules).isGreaterThanOrEqualTo(10);
    }

    @Test
    void theDashboardIsGrafanaJsonWithAQueryPerPanel() throws IOException {
        JsonNode dash = new ObjectMapper().readTree(
                Kustomize.root().resolve("deploy/monitoring/grafana-relay-dashboard.json").toFile());
        assertThat(dash.path("uid").asText()).isEqualTo("switchboard-relay");
        assertThat(dash.path("panels").size()).isGreaterThanOrEqualTo(8);
        dash.path("panels").forEach(p -> assertThat(p.path("targets").path(0).path("expr").asText())
                .as("panel %s", p.path("title").asText()).contains("switchboard_"));
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Path promtool = onPath("promtool");
        assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus); .ci/run installs it");
        JsonNode rule = only(Kustomize.renderDir("deploy/monitoring"), "PrometheusRule");
        Path file = Files.createTempFile("switchboard-rules", ".yaml");
        try {
            Files.writeString(file, new YAMLMapper().writeValueAsString(rule.path("spec")));
            Process p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("SUCCESS");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Set<String> metrics(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            out.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        return out;
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
