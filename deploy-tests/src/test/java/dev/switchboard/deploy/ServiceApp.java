package dev.switchboard.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service module serves and reads, taken from its {@code application.properties} at test time
 * (so the manifests are checked against the configuration as it is now, not as it was when they were
 * written).
 */
final class ServiceApp {

    /** {@code ${NAME}} or {@code ${NAME:default}} with an environment-style NAME. */
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");
    /**
     * Variables read outside the application: by the JVM itself ({@code JAVA_TOOL_OPTIONS}) and by
     * {@code run-java.sh}, the entrypoint of the Jib base image for Java 21 ({@code ubi9/openjdk-21-runtime}).
     */
    static final Set<String> RUNTIME_ENV = Set.of("JAVA_TOOL_OPTIONS", "JAVA_MAX_MEM_RATIO");

    final String module;
    /** Effective production configuration: unprofiled keys, overridden by {@code %prod.} keys. */
    private final Map<String, String> prod = new LinkedHashMap<>();
    private final Set<String> allKeys = new LinkedHashSet<>();
    private final String pom;

    private ServiceApp(String module, Properties properties, String pom) {
        this.module = module;
        this.pom = pom;
        for (String key : properties.stringPropertyNames()) {
            allKeys.add(key);
            if (!key.startsWith("%")) {
                prod.putIfAbsent(key, properties.getProperty(key));
            }
        }
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("%prod.")) {
                prod.put(key.substring("%prod.".length()), properties.getProperty(key));
            }
        }
    }

    static ServiceApp load(String module) {
        Path dir = Kustomize.root().resolve(module);
        Path file = dir.resolve("src/main/resources/application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
            return new ServiceApp(module, properties, Files.readString(dir.resolve("pom.xml")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + module + "'s configuration: " + e.getMessage(), e);
        }
    }

    /** The production value of a property with every {@code ${VAR:default}} replaced by its default. */
    Optional<String> defaultValue(String key) {
        return valueWith(key, Map.of());
    }

    /**
     * The production value of a property as a container with the given environment sees it: each
     * {@code ${VAR:default}} is replaced by the variable's value when set, else by its default.
     */
    Optional<String> valueWith(String key, Map<String, String> env) {
        String raw = prod.get(key);
        if (raw == null) {
            return Optional.empty();
        }
        Matcher m = ENV_REF.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String def = m.group(2) == null ? "" : m.group(2).substring(1);
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), def)));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    /** The environment variable a property's value is taken from, if it is written {@code ${VAR...}}. */
    Optional<String> envVarOf(String key) {
        String raw = prod.get(key);
        if (raw == null) {
            return Optional.empty();
        }
        Matcher m = ENV_REF.matcher(raw.trim());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The HTTP port the application listens on by default (Quarkus default 8080). */
    int httpPort() {
        return Integer.parseInt(defaultValue("quarkus.http.port").orElse("8080"));
    }

    boolean managementInterfaceEnabled() {
        return Boolean.parseBoolean(defaultValue("quarkus.management.enabled").orElse("false"));
    }

    /** The port the health endpoints are served on: the management port when it is enabled. */
    int healthPort() {
        return managementInterfaceEnabled()
                ? Integer.parseInt(defaultValue("quarkus.management.port").orElse("9000"))
                : httpPort();
    }

    boolean hasHealthExtension() {
        return pom.contains("<artifactId>quarkus-smallrye-health</artifactId>");
    }

    String livenessPath() {
        return healthRoot() + "/" + strip(defaultValue("quarkus.smallrye-health.liveness-path").orElse("live"));
    }

    String readinessPath() {
        return healthRoot() + "/" + strip(defaultValue("quarkus.smallrye-health.readiness-path").orElse("ready"));
    }

    private String healthRoot() {
        String nonApp;
        if (managementInterfaceEnabled()) {
            nonApp = strip(defaultValue("quarkus.management.root-path").orElse("q"));
        } else {
            String root = strip(defaultValue("quarkus.http.root-path").orElse("/"));
            String rel = strip(defaultValue("quarkus.http.non-application-root-path").orElse("q"));
            nonApp = root.isEmpty() ? rel : root + "/" + rel;
        }
        String health = strip(defaultValue("quarkus.smallrye-health.root-path").orElse("health"));
        return "/" + (nonApp.isEmpty() ? health : nonApp + "/" + health);
    }

    private static String strip(String path) {
        String p = path.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /**
     * Environment variables the application reads: every {@code ${VAR}} reference in its production
     * configuration, plus the Quarkus environment form of every property it configures
     * ({@code quarkus.http.port} → {@code QUARKUS_HTTP_PORT}, {@code %prod.x} → {@code _PROD_X}), plus
     * {@link #RUNTIME_ENV}.
     */
    Set<String> readableEnv() {
        Set<String> names = new LinkedHashSet<>();
        for (String value : prod.values()) {
            Matcher m = ENV_REF.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        for (String key : allKeys) {
            if (key.startsWith("%test.") || key.startsWith("%dev.")) {
                continue;
            }
            names.add(toEnvName(key));
        }
        names.addAll(RUNTIME_ENV);
        return names;
    }

    /** Variables the production configuration needs without a default: a deployment must set them. */
    Set<String> requiredEnv() {
        Set<String> names = new LinkedHashSet<>();
        for (String value : prod.values()) {
            Matcher m = ENV_REF.matcher(value);
            while (m.find()) {
                if (m.group(2) == null) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** Quarkus' mapping of a property name to an environment variable name. */
    static String toEnvName(String key) {
        String k = key.startsWith("%") ? "_" + key.substring(1) : key;
        return k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    Optional<String> property(String key) {
        return Optional.ofNullable(prod.get(key));
    }
}
