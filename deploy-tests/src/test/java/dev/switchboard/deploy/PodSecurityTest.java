package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Pod security and shutdown settings of every Deployment (the restricted Pod Security Standard and more). */
class PodSecurityTest {

    static Stream<Arguments> deployments() {
        return Stream.of("dev", "prod").flatMap(overlay -> Overlay.of(overlay).all(Deployment.class).stream()
                .map(d -> Arguments.of(overlay, d.getMetadata().getName())));
    }

    static Stream<Arguments> services() {
        return Stream.of("dev", "prod").flatMap(overlay -> Overlay.SERVICES.keySet().stream().sorted()
                .map(service -> Arguments.of(overlay, service)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void meetsTheRestrictedPodSecurityStandard(String overlay, String name) {
        PodSpec pod = Overlay.of(overlay).deployment(name).getSpec().getTemplate().getSpec();
        PodSecurityContext podContext = pod.getSecurityContext();
        assertThat(pod.getAutomountServiceAccountToken()).as("%s mounts no API token", name).isFalse();
        for (Container c : pod.getContainers()) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc).as("%s/%s securityContext", name, c.getName()).isNotNull();
            assertThat(firstNonNull(sc.getRunAsNonRoot(), podContext == null ? null : podContext.getRunAsNonRoot()))
                    .as("%s/%s runAsNonRoot", name, c.getName()).isTrue();
            String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                    : podContext != null && podContext.getSeccompProfile() != null
                            ? podContext.getSeccompProfile().getType() : null;
            assertThat(seccomp).as("%s/%s seccomp profile", name, c.getName()).isEqualTo("RuntimeDefault");
            assertThat(sc.getAllowPrivilegeEscalation()).as("%s/%s allowPrivilegeEscalation", name, c.getName())
                    .isFalse();
            assertThat(sc.getPrivileged()).as("%s/%s privileged", name, c.getName()).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getCapabilities().getDrop()).as("%s/%s drops all capabilities", name, c.getName())
                    .containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as("%s/%s adds no capability", name, c.getName())
                    .isNullOrEmpty();
            assertThat(c.getResources().getRequests()).as("%s/%s requests", name, c.getName())
                    .containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).as("%s/%s limits", name, c.getName())
                    .containsKeys("cpu", "memory");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void servicesRunOnAReadOnlyRootFilesystemWithAWritableTmp(String overlay, String service) {
        Deployment deployment = Overlay.of(overlay).deployment(service);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = Overlay.container(deployment, service);

        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        String tmpVolume = container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/tmp"))
                .map(m -> m.getName())
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing on /tmp"));
        List<Volume> volumes = pod.getVolumes();
        assertThat(volumes).filteredOn(v -> v.getName().equals(tmpVolume))
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).as("/tmp is an emptyDir").isNotNull());
        assertThat(pod.getServiceAccountName()).isEqualTo(service);
        assertThat(Overlay.of(overlay).find(ServiceAccount.class, service)).as("ServiceAccount %s", service)
                .isPresent();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("services")
    void gracePeriodOutlastsTheApplicationsShutdown(String overlay, String service) {
        Deployment deployment = Overlay.of(overlay).deployment(service);
        Container container = Overlay.container(deployment, service);
        ServiceApp app = ServiceApp.load(service);
        Map<String, String> env = plainEnv(container);
        boolean delayEnabled = app.valueWith("quarkus.shutdown.delay-enabled", env).map(Boolean::parseBoolean)
                .orElse(false);
        Duration delay = delayEnabled
                ? app.valueWith("quarkus.shutdown.delay", env).map(PodSecurityTest::parseDuration).orElse(Duration.ZERO)
                : Duration.ZERO;
        Duration timeout = app.valueWith("quarkus.shutdown.timeout", env).map(PodSecurityTest::parseDuration)
                .orElse(Duration.ZERO);
        Duration preStop = preStopSleep(container);
        long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();

        assertThat(Duration.ofSeconds(grace))
                .as("%s terminationGracePeriodSeconds vs preStop %s + shutdown delay %s + shutdown timeout %s",
                        service, preStop, delay, timeout)
                .isGreaterThan(preStop.plus(delay).plus(timeout));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void relayLetsItsLongestStreamFinishBeforeTheKubeletKillsIt(String overlay) {
        Deployment relay = Overlay.of(overlay).deployment("relay-service");
        Map<String, String> env = plainEnv(Overlay.container(relay, "relay-service"));
        ServiceApp app = ServiceApp.load("relay-service");
        Duration maxStream = app.valueWith("switchboard.request.max-stream", env).map(PodSecurityTest::parseDuration)
                .orElseThrow(() -> new AssertionError("relay-service no longer configures switchboard.request.max-stream"));
        Duration timeout = app.valueWith("quarkus.shutdown.timeout", env).map(PodSecurityTest::parseDuration)
                .orElse(Duration.ZERO);
        long grace = relay.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();

        assertThat(timeout).as("quarkus.shutdown.timeout covers the longest stream").isGreaterThanOrEqualTo(maxStream);
        assertThat(Duration.ofSeconds(grace)).as("grace period vs longest stream").isGreaterThan(maxStream);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void relayRollsOutWithoutTakingAServingReplicaAway(String overlay) {
        Deployment relay = Overlay.of(overlay).deployment("relay-service");
        assertThat(relay.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    }

    private static Map<String, String> plainEnv(Container container) {
        Map<String, String> env = new HashMap<>();
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    private static Duration preStopSleep(Container container) {
        if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null
                || container.getLifecycle().getPreStop().getExec() == null) {
            return Duration.ZERO;
        }
        List<String> command = container.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(command).as("preStop is a plain sleep").hasSize(2).first().isEqualTo("sleep");
        return Duration.ofSeconds(Long.parseLong(command.get(1)));
    }

    /** Quarkus duration syntax: ISO-8601 ({@code PT5M}), a number of seconds, or {@code 300s}/{@code 5m}/{@code 1h}. */
    static Duration parseDuration(String value) {
        String v = value.trim();
        if (v.startsWith("P") || v.startsWith("p")) {
            return Duration.parse(v);
        }
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (v.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.matches("\\d+[smhd]")) {
            return Duration.parse((v.endsWith("d") ? "P" : "PT") + v.toUpperCase());
        }
        throw new IllegalArgumentException("unrecognised duration '" + value + "'");
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
