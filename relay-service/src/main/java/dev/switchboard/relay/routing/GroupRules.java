package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.switchboard.contracts.pattern.ModelPattern;
import dev.switchboard.contracts.pattern.PatternTable;

/** A group's routing overlay and allowed-model patterns, compiled once per group version. */
final class GroupRules {

    /** No group: no overlay, every model, any platform. */
    static final GroupRules NONE = new GroupRules(null);

    record OverlayMatch(String pattern, List<String> targets) {
    }

    private final GroupSnapshot source;
    private final PatternTable<OverlayMatch> overlay; // null when routing is off or empty
    private final List<ModelPattern> allowed;
    private final boolean restricted; // false = every model
    private final String platform; // null = any

    GroupRules(GroupSnapshot g) {
        this.source = g;
        if (g == null) {
            overlay = null;
            allowed = List.of();
            restricted = false;
            platform = null;
            return;
        }
        PatternTable<OverlayMatch> table = null;
        if (g.modelRoutingEnabled() && !g.modelRouting().isEmpty()) {
            PatternTable.Builder<OverlayMatch> b = PatternTable.builder();
            long seq = 0;
            for (Map.Entry<String, List<String>> e : g.modelRouting().entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                try {
                    b.add(e.getKey(), 0, seq++, new OverlayMatch(e.getKey(), List.copyOf(e.getValue())));
                } catch (IllegalArgumentException | NullPointerException invalid) {
                    // auth-service validates patterns; a bad one in a snapshot is ignored, not fatal
                }
            }
            table = b.build();
        }
        this.overlay = table == null || table.size() == 0 ? null : table;
        List<ModelPattern> globs = new ArrayList<>();
        boolean any = false;
        for (String p : g.allowedModels()) {
            if (p == null || p.isBlank()) {
                continue;
            }
            any = true;
            try {
                globs.add(ModelPattern.compile(p.trim()));
            } catch (IllegalArgumentException invalid) {
                // ignored like an overlay pattern; an unusable entry allows nothing
            }
        }
        this.allowed = List.copyOf(globs);
        this.restricted = any;
        String pf = g.platform();
        this.platform = pf == null || pf.isBlank() || "any".equalsIgnoreCase(pf) ? null : pf;
    }

    /** True when this was compiled from a group equal in every field the resolver reads. */
    boolean compiledFrom(GroupSnapshot g) {
        if (source == g) {
            return true;
        }
        return source != null && g != null
                && source.version() == g.version()
                && source.modelRoutingEnabled() == g.modelRoutingEnabled()
                && Objects.equals(source.platform(), g.platform())
                && source.allowedModels().equals(g.allowedModels())
                && source.modelRouting().equals(g.modelRouting());
    }

    /** The overlay entry matching the requested model, or null. */
    OverlayMatch overlay(String model) {
        return overlay == null ? null : overlay.match(model).orElse(null);
    }

    /**
     * Whether a top-level name (the requested model, or a target of the group's overlay) permits everything it
     * expands to: only when it is exactly a cluster or pool and a pattern matches it. Any other name is the
     * tenant's own string and permits nothing by itself (allow {@code gpt-4o-mini*} and request the invented
     * {@code gpt-4o-mini-zzz}: a route {@code gpt-*} to a pool of gpt-4o and gpt-4o-mini serves it only by gpt-4o-mini).
     */
    boolean allowsEntry(String name, boolean clusterOrPool) {
        return !restricted || clusterOrPool && matches(name);
    }

    /** Whether a serving model (its catalog name, or the pass-through name) matches a pattern; true without a list. */
    boolean allowsModel(String modelName) {
        return !restricted || matches(modelName);
    }

    private boolean matches(String name) {
        for (ModelPattern g : allowed) {
            if (g.matches(name)) {
                return true;
            }
        }
        return false;
    }

    boolean hasAllowList() {
        return restricted;
    }

    /** False when the group is bound to the other protocol. */
    boolean platformAccepts(String protocol) {
        return platform == null || platform.equalsIgnoreCase(protocol);
    }

    String platform() {
        return platform;
    }
}
