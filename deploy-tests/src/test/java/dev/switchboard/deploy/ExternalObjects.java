package dev.switchboard.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Secrets and ConfigMaps an operator creates, as listed in deploy/README.md under the heading
 * "Secrets and ConfigMaps you provide" (a table: kind | name | keys | overlays).
 */
record ExternalObjects(List<Entry> entries) {

    static final String HEADING = "## Secrets and ConfigMaps you provide";

    record Entry(String kind, String name, Set<String> keys, Set<String> overlays) {
    }

    static ExternalObjects fromReadme() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Kustomize.root().resolve("deploy/README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = lines.indexOf(HEADING);
        if (start < 0) {
            throw new IllegalStateException("deploy/README.md has no section '" + HEADING + "'");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("|") || line.startsWith("|---") || line.toLowerCase().startsWith("| kind")) {
                continue;
            }
            String[] cells = line.substring(1).split("\\|");
            if (cells.length < 4) {
                throw new IllegalStateException("malformed row in deploy/README.md: " + line);
            }
            entries.add(new Entry(cells[0].trim(), unquote(cells[1]), words(cells[2]), words(cells[3])));
        }
        return new ExternalObjects(entries);
    }

    /** The entry for a kind/name that the given overlay expects from the operator, or null. */
    Entry find(String kind, String name, String overlay) {
        return entries.stream()
                .filter(e -> e.kind().equals(kind) && e.name().equals(name) && e.overlays().contains(overlay))
                .findFirst()
                .orElse(null);
    }

    private static String unquote(String cell) {
        return cell.trim().replace("`", "");
    }

    private static Set<String> words(String cell) {
        return Arrays.stream(cell.replace("`", "").split("[,\\s]+"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
