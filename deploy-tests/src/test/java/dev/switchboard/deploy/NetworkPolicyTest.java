package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which pods the NetworkPolicies let traffic reach, computed from the rendered manifests. */
class NetworkPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ingressIsDeniedByDefault(String overlay) {
        assertThat(Overlay.of(overlay).all(NetworkPolicy.class))
                .anySatisfy(np -> {
                    assertThat(isEmpty(np.getSpec().getPodSelector())).as("selects every pod").isTrue();
                    assertThat(np.getSpec().getPolicyTypes()).contains("Ingress");
                    assertThat(np.getSpec().getIngress()).isNullOrEmpty();
                });
    }

    @Test
    void onlyRelayAndManagementApisAreReachableFromOutsideTheNamespaceInProd() {
        assertThat(reachableFromOutside(Overlay.of("prod")))
                .containsExactlyInAnyOrder("relay-service", "auth-service", "catalog-service");
    }

    @Test
    void devAddsOnlyKeycloakToWhatIsReachableFromOutside() {
        assertThat(reachableFromOutside(Overlay.of("dev")))
                .containsExactlyInAnyOrder("relay-service", "auth-service", "catalog-service", "keycloak");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void policiesOpenOnlyTheServicePorts(String overlay) {
        Overlay rendered = Overlay.of(overlay);
        for (NetworkPolicy np : rendered.all(NetworkPolicy.class)) {
            for (Deployment d : selected(rendered, np)) {
                Set<Integer> containerPorts = new TreeSet<>();
                d.getSpec().getTemplate().getSpec().getContainers()
                        .forEach(c -> c.getPorts().forEach(p -> containerPorts.add(p.getContainerPort())));
                for (NetworkPolicyIngressRule rule : nullSafe(np.getSpec().getIngress())) {
                    assertThat(rule.getPorts()).as("%s opens explicit ports", np.getMetadata().getName()).isNotEmpty();
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        assertThat(containerPorts).as("%s port on %s", np.getMetadata().getName(),
                                d.getMetadata().getName()).contains(port.getPort().getIntVal());
                    }
                }
            }
        }
    }

    @Test
    void inProdAuthServiceAdmitsOnlyRelayPodsAndLabelledManagementNamespaces() {
        NetworkPolicy np = Overlay.of("prod").find(NetworkPolicy.class, "auth-service-ingress").orElseThrow();
        for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
            assertThat(rule.getFrom()).as("every rule names its sources").isNotEmpty();
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                assertThat(peer.getIpBlock()).isNull();
                if (peer.getNamespaceSelector() != null) {
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsEntry("switchboard.dev/management-access", "true");
                } else {
                    assertThat(peer.getPodSelector().getMatchLabels())
                            .containsExactly(Map.entry("app.kubernetes.io/name", "relay-service"));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void relayAcceptsTrafficFromAnywhere(String overlay) {
        Overlay rendered = Overlay.of(overlay);
        assertThat(rendered.all(NetworkPolicy.class))
                .filteredOn(np -> names(selected(rendered, np)).contains("relay-service"))
                .anySatisfy(np -> assertThat(np.getSpec().getIngress())
                        .anySatisfy(rule -> assertThat(rule.getFrom()).isNullOrEmpty()));
    }

    /** Names of Deployments whose pods some policy admits traffic to from other namespaces or outside. */
    private static Set<String> reachableFromOutside(Overlay rendered) {
        Set<String> reachable = new TreeSet<>();
        for (NetworkPolicy np : rendered.all(NetworkPolicy.class)) {
            boolean external = nullSafe(np.getSpec().getIngress()).stream().anyMatch(rule ->
                    nullSafe(rule.getFrom()).isEmpty() || rule.getFrom().stream()
                            .anyMatch(peer -> peer.getNamespaceSelector() != null || peer.getIpBlock() != null));
            if (external) {
                reachable.addAll(names(selected(rendered, np)));
            }
        }
        return reachable;
    }

    private static java.util.List<Deployment> selected(Overlay rendered, NetworkPolicy np) {
        return rendered.all(Deployment.class).stream()
                .filter(d -> matches(np.getSpec().getPodSelector(),
                        d.getSpec().getTemplate().getMetadata().getLabels()))
                .toList();
    }

    private static Set<String> names(java.util.List<Deployment> deployments) {
        Set<String> names = new TreeSet<>();
        deployments.forEach(d -> names.add(d.getMetadata().getName()));
        return names;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : nullSafe(selector.getMatchExpressions())) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(LabelSelector selector) {
        return selector == null || (nullSafe(selector.getMatchExpressions()).isEmpty()
                && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()));
    }

    private static <T> java.util.List<T> nullSafe(java.util.List<T> list) {
        return list == null ? java.util.List.of() : list;
    }
}
