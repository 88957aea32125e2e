package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports, probe paths and environment variables in the manifests against what each service really does. */
class ManifestsMatchApplicationsTest {

    static Stream<Arguments> overlaysAndServices() {
        return Stream.of("dev", "prod").flatMap(overlay -> Overlay.SERVICES.keySet().stream().sorted()
                .map(service -> Arguments.of(overlay, service)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("overlaysAndServices")
    void containerPortIsThePortTheApplicationListensOn(String overlay, String service) {
        ServiceApp app = ServiceApp.load(service);
        Container container = Overlay.container(Overlay.of(overlay).deployment(service), service);

        assertThat(app.httpPort()).as("%s quarkus.http.port default vs docs/architecture.md", service)
                .isEqualTo(Overlay.SERVICES.get(service));
        int declared = Overlay.resolvePort(container, new IntOrString("http"));
        assertThat(declared).as("%s container port 'http'", service).isEqualTo(app.httpPort());
        // If the manifest sets the variable quarkus.http.port is read from, it must say the same port.
        app.envVarOf("quarkus.http.port").flatMap(var -> envValue(container, var))
                .ifPresent(value -> assertThat(value).as("%s env overriding quarkus.http.port", service)
                        .isEqualTo(String.valueOf(declared)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("overlaysAndServices")
    void probesHitTheHealthEndpointsTheApplicationServes(String overlay, String service) {
        ServiceApp app = ServiceApp.load(service);
        Container container = Overlay.container(Overlay.of(overlay).deployment(service), service);

        assertThat(app.hasHealthExtension()).as("%s depends on quarkus-smallrye-health", service).isTrue();
        assertProbe(container, container.getLivenessProbe(), "liveness", app.livenessPath(), app.healthPort());
        assertProbe(container, container.getReadinessProbe(), "readiness", app.readinessPath(), app.healthPort());
        if (container.getStartupProbe() != null) {
            assertProbe(container, container.getStartupProbe(), "startup", app.livenessPath(), app.healthPort());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("overlaysAndServices")
    void serviceForwardsToTheContainerPort(String overlay, String service) {
        Overlay rendered = Overlay.of(overlay);
        Deployment deployment = rendered.deployment(service);
        Container container = Overlay.container(deployment, service);
        Service svc = rendered.service(service);

        assertThat(svc.getSpec().getSelector()).as("%s Service selector", service)
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(svc.getSpec().getPorts()).hasSize(1);
        ServicePort port = svc.getSpec().getPorts().get(0);
        assertThat(port.getPort()).as("%s Service port", service).isEqualTo(Overlay.SERVICES.get(service));
        assertThat(Overlay.resolvePort(container, port.getTargetPort())).isEqualTo(Overlay.SERVICES.get(service));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("overlaysAndServices")
    void everyEnvironmentVariableIsOneTheApplicationReads(String overlay, String service) {
        ServiceApp app = ServiceApp.load(service);
        Container container = Overlay.container(Overlay.of(overlay).deployment(service), service);
        Set<String> set = new HashSet<>();
        for (EnvVar env : container.getEnv()) {
            set.add(env.getName());
        }

        assertThat(container.getEnvFrom()).as("%s: envFrom hides which variables are set", service).isNullOrEmpty();
        assertThat(set).as("%s sets only variables its application.properties reads", service)
                .isSubsetOf(app.readableEnv());
        assertThat(set).as("%s sets every variable its configuration needs without a default", service)
                .containsAll(app.requiredEnv());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReferencedSecretAndConfigMapIsDefinedOrDocumentedAsExternal(String overlay) {
        Overlay rendered = Overlay.of(overlay);
        ExternalObjects external = ExternalObjects.fromReadme();
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : rendered.all(Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            String where = deployment.getMetadata().getName();
            for (Container c : concat(pod.getInitContainers(), pod.getContainers())) {
                for (EnvVar env : c.getEnv()) {
                    if (env.getValueFrom() == null) {
                        continue;
                    }
                    if (env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        check(rendered, external, problems, where, "Secret", ref.getName(), ref.getKey());
                    }
                    if (env.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = env.getValueFrom().getConfigMapKeyRef();
                        check(rendered, external, problems, where, "ConfigMap", ref.getName(), ref.getKey());
                    }
                }
                for (EnvFromSource from : c.getEnvFrom()) {
                    if (from.getSecretRef() != null) {
                        check(rendered, external, problems, where, "Secret", from.getSecretRef().getName(), null);
                    }
                    if (from.getConfigMapRef() != null) {
                        check(rendered, external, problems, where, "ConfigMap", from.getConfigMapRef().getName(), null);
                    }
                }
            }
            for (Volume volume : pod.getVolumes()) {
                if (volume.getSecret() != null) {
                    check(rendered, external, problems, where, "Secret", volume.getSecret().getSecretName(), null);
                }
                if (volume.getConfigMap() != null) {
                    check(rendered, external, problems, where, "ConfigMap", volume.getConfigMap().getName(), null);
                }
            }
        }
        assertThat(problems).as("references in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/prod"})
    void noSecretValueIsCommitted(String kustomization) {
        assertThat(Kustomize.render(kustomization))
                .as("Secrets rendered from %s", kustomization)
                .noneMatch(doc -> "Secret".equals(doc.path("kind").asText()));
    }

    private static void check(Overlay rendered, ExternalObjects external, List<String> problems, String where,
            String kind, String name, String key) {
        Set<String> keys;
        if (kind.equals("Secret") && rendered.secret(name).isPresent()) {
            Secret s = rendered.secret(name).get();
            keys = new HashSet<>();
            keys.addAll(s.getData() == null ? Set.of() : s.getData().keySet());
            keys.addAll(s.getStringData() == null ? Set.of() : s.getStringData().keySet());
        } else if (kind.equals("ConfigMap") && rendered.configMap(name).isPresent()) {
            ConfigMap cm = rendered.configMap(name).get();
            keys = new HashSet<>();
            keys.addAll(cm.getData() == null ? Set.of() : cm.getData().keySet());
            keys.addAll(cm.getBinaryData() == null ? Set.of() : cm.getBinaryData().keySet());
        } else {
            ExternalObjects.Entry entry = external.find(kind, name, rendered.name());
            if (entry == null) {
                problems.add(where + " references " + kind + " " + name + ", which overlay " + rendered.name()
                        + " neither defines nor deploy/README.md lists as provided by the operator");
                return;
            }
            keys = entry.keys();
        }
        if (key != null && !keys.contains(key)) {
            problems.add(where + " references key " + key + " of " + kind + " " + name + ", which has only " + keys);
        }
    }

    private static void assertProbe(Container container, Probe probe, String kind, String path, int port) {
        assertThat(probe).as("%s %s probe", container.getName(), kind).isNotNull();
        assertThat(probe.getHttpGet()).as("%s %s probe is an HTTP GET", container.getName(), kind).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as("%s %s probe path", container.getName(), kind).isEqualTo(path);
        assertThat(Overlay.resolvePort(container, probe.getHttpGet().getPort()))
                .as("%s %s probe port", container.getName(), kind).isEqualTo(port);
    }

    private static Optional<String> envValue(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name) && e.getValue() != null)
                .map(EnvVar::getValue).findFirst();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a == null ? List.of() : a);
        all.addAll(b == null ? List.of() : b);
        return all;
    }
}
