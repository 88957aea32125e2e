package dev.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with {@code kubectl kustomize} (offline) and splits it into documents. */
final class Kustomize {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The repository root (system property {@code sb.root}, set by the module's Surefire configuration). */
    static Path root() {
        return Path.of(System.getProperty("sb.root", "..")).toAbsolutePath().normalize();
    }

    /** Rendered documents of {@code deploy/k8s/<relative>}, e.g. {@code overlays/dev}. */
    static List<JsonNode> render(String relative) {
        return CACHE.computeIfAbsent(relative, r -> parseAll(run(root().resolve("deploy/k8s").resolve(r))));
    }

    /** Rendered documents of a kustomization anywhere in the repository, e.g. {@code deploy/monitoring}. */
    static List<JsonNode> renderDir(String fromRoot) {
        return CACHE.computeIfAbsent("/" + fromRoot, r -> parseAll(run(root().resolve(fromRoot))));
    }

    /** Parses a multi-document YAML text into its non-empty documents. */
    static List<JsonNode> parseAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    private static String run(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no kustomization directory " + dir);
        }
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        ProcessBuilder pb = new ProcessBuilder(kubectl, "kustomize", dir.toString());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + kubectl + " kustomize' (kubectl is needed to render "
                    + "deploy/k8s; install it or set KUBECTL): " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(process.getErrorStream()));
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err.join());
            }
            return out.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String slurp(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
