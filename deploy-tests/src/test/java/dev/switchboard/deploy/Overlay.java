package dev.switchboard.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One rendered and strictly parsed kustomization. */
record Overlay(String name, List<HasMetadata> objects) {

    /** The services Switchboard deploys, with their ports from the service table of docs/architecture.md. */
    static final Map<String, Integer> SERVICES = Map.of(
            "auth-service", 8081,
            "catalog-service", 8082,
            "relay-service", 8080);

    private static final Map<String, Overlay> CACHE = new ConcurrentHashMap<>();

    /** {@code dev} or {@code prod}. */
    static Overlay of(String name) {
        return CACHE.computeIfAbsent(name, n -> new Overlay(n, Kustomize.render("overlays/" + n).stream()
                .map(StrictKubernetesParser::parse)
                .toList()));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String objectName) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(objectName)).findFirst();
    }

    Deployment deployment(String objectName) {
        return find(Deployment.class, objectName)
                .orElseThrow(() -> new AssertionError(name + ": no Deployment " + objectName));
    }

    Service service(String objectName) {
        return find(Service.class, objectName)
                .orElseThrow(() -> new AssertionError(name + ": no Service " + objectName));
    }

    Optional<ConfigMap> configMap(String objectName) {
        return find(ConfigMap.class, objectName);
    }

    Optional<Secret> secret(String objectName) {
        return find(Secret.class, objectName);
    }

    static Container container(Deployment deployment, String containerName) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(containerName))
                .findFirst()
                .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + ": no container "
                        + containerName));
    }

    /** A probe or Service port (number or name) resolved against the container's ports. */
    static int resolvePort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + port.getStrVal()));
    }
}
