package dev.switchboard.relay.routing;

import dev.switchboard.contracts.catalog.CatalogSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import dev.switchboard.contracts.pattern.PatternTable;

/**
 * Lookup tables over one catalog version, built once when the snapshot is loaded and immutable after.
 * Names (providers, models, pools, clusters) are looked up case-insensitively.
 */
public final class CatalogIndex {

    private static final Comparator<ProviderKeySnapshot> BY_WEIGHT_THEN_ID = Comparator
            .comparingInt(ProviderKeySnapshot::weight).reversed()
            .thenComparingLong(ProviderKeySnapshot::id);

    private final CatalogSnapshot snapshot;
    private final Map<Long, ProviderSnapshot> providersById;
    private final Map<String, ProviderSnapshot> providersByName;
    private final Map<Long, Map<String, ModelSnapshot>> modelsByProvider;
    private final Map<String, List<ProviderSnapshot>> providersByModel;
    private final Map<Long, List<ProviderKeySnapshot>> enabledKeys;
    private final Map<Long, List<ProviderKeySnapshot>> disabledKeys;
    private final Map<String, PoolSnapshot> poolsByName;
    private final Map<Long, Integer> poolOrdinals;
    private final Map<String, ClusterSnapshot> clustersByName;
    private final PatternTable<RouteSnapshot> routes;
    private final List<RouteSnapshot> enabledRoutes;
    private final List<String> modelNames;
    private final Map<Long, ProviderEntry> entries;
    /** Enabled keys whose sealed secret this relay cannot open: skipped as {@link Skip#NO_CREDENTIAL}, never sent. */
    private final java.util.Set<Long> unopenable;
    private final int enabledKeyCount;

    private CatalogIndex(CatalogSnapshot s, java.util.function.Predicate<ProviderKeySnapshot> opens) {
        this.snapshot = s;
        java.util.Set<Long> shut = new java.util.HashSet<>();
        int enabledCount = 0;
        for (ProviderSnapshot p : s.providers()) {
            for (ProviderKeySnapshot k : p.keys()) {
                if (k.enabled()) {
                    enabledCount++;
                    if (!opens.test(k)) {
                        shut.add(k.id());
                    }
                }
            }
        }
        this.unopenable = java.util.Set.copyOf(shut);
        this.enabledKeyCount = enabledCount;
        Map<Long, ProviderSnapshot> byId = new HashMap<>();
        Map<String, ProviderSnapshot> byName = new HashMap<>();
        Map<Long, Map<String, ModelSnapshot>> models = new HashMap<>();
        Map<String, List<ProviderSnapshot>> byModel = new HashMap<>();
        Map<Long, List<ProviderKeySnapshot>> enabled = new HashMap<>();
        Map<Long, List<ProviderKeySnapshot>> disabled = new HashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (ProviderSnapshot p : s.providers()) {
            byId.put(p.id(), p);
            if (p.name() != null) {
                byName.putIfAbsent(lower(p.name()), p);
            }
            Map<String, ModelSnapshot> pm = new HashMap<>();
            for (ModelSnapshot m : p.models()) {
                if (m.name() == null) {
                    continue;
                }
                String key = lower(m.name());
                if (pm.putIfAbsent(key, m) == null) {
                    byModel.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                    names.putIfAbsent(key, m.name());
                }
            }
            models.put(p.id(), Map.copyOf(pm));
            List<ProviderKeySnapshot> on = new ArrayList<>();
            List<ProviderKeySnapshot> off = new ArrayList<>();
            for (ProviderKeySnapshot k : p.keys()) {
                (k.enabled() ? on : off).add(k);
            }
            on.sort(BY_WEIGHT_THEN_ID);
            off.sort(Comparator.comparingLong(ProviderKeySnapshot::id));
            enabled.put(p.id(), List.copyOf(on));
            disabled.put(p.id(), List.copyOf(off));
        }
        Map<String, List<ProviderSnapshot>> byModelFrozen = new HashMap<>();
        byModel.forEach((k, v) -> byModelFrozen.put(k, List.copyOf(v)));

        Map<String, PoolSnapshot> pools = new HashMap<>();
        Map<Long, Integer> ordinals = new HashMap<>();
        for (PoolSnapshot p : s.pools()) {
            if (p.name() != null) {
                pools.putIfAbsent(lower(p.name()), p);
            }
            ordinals.putIfAbsent(p.id(), ordinals.size());
        }
        Map<String, ClusterSnapshot> clusters = new HashMap<>();
        for (ClusterSnapshot c : s.clusters()) {
            if (c.name() != null) {
                clusters.putIfAbsent(lower(c.name()), c);
            }
        }
        PatternTable.Builder<RouteSnapshot> table = PatternTable.builder();
        List<RouteSnapshot> onRoutes = new ArrayList<>();
        for (RouteSnapshot r : s.routes()) {
            if (!r.enabled()) {
                continue;
            }
            try {
                table.add(r.pattern(), r.priority(), r.createdSeq(), r);
                onRoutes.add(r);
            } catch (IllegalArgumentException invalid) {
                // catalog-service validates patterns; a bad one in a snapshot is ignored, not fatal
            }
        }
        List<String> sortedNames = new ArrayList<>(names.values());
        sortedNames.sort(String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));

        this.providersById = Map.copyOf(byId);
        this.providersByName = Map.copyOf(byName);
        this.modelsByProvider = Map.copyOf(models);
        this.providersByModel = Map.copyOf(byModelFrozen);
        this.enabledKeys = Map.copyOf(enabled);
        this.disabledKeys = Map.copyOf(disabled);
        this.poolsByName = Map.copyOf(pools);
        this.poolOrdinals = Map.copyOf(ordinals);
        this.clustersByName = Map.copyOf(clusters);
        this.routes = table.build();
        this.enabledRoutes = List.copyOf(onRoutes);
        this.modelNames = Collections.unmodifiableList(sortedNames);
        Map<Long, ProviderEntry> es = new HashMap<>();
        for (ProviderSnapshot p : providersById.values()) {
            es.put(p.id(), new ProviderEntry(p, enabledKeys.get(p.id()), disabledKeys.get(p.id()), modelsByProvider.get(p.id())));
        }
        this.entries = Map.copyOf(es);
    }

    /** Precomputed per-provider data for the request path (scope strings, keys, models). */
    ProviderEntry entry(long providerId) {
        return entries.get(providerId);
    }

    /** A provider with its keys in default order and scope strings computed once. */
    static final class ProviderEntry {
        final ProviderSnapshot provider;
        final String providerScope;
        final List<ProviderKeySnapshot> enabledKeys;
        final List<ProviderKeySnapshot> disabledKeys;
        final String[] keyScopes; // aligned with enabledKeys
        private final Map<String, ModelEntry> models;

        ProviderEntry(ProviderSnapshot p, List<ProviderKeySnapshot> enabled, List<ProviderKeySnapshot> disabled,
                Map<String, ModelSnapshot> listed) {
            this.provider = p;
            this.providerScope = CooldownScope.provider(p.id());
            this.enabledKeys = enabled;
            this.disabledKeys = disabled;
            this.keyScopes = new String[enabled.size()];
            for (int i = 0; i < keyScopes.length; i++) {
                keyScopes[i] = CooldownScope.key(enabled.get(i).id());
            }
            Map<String, ModelEntry> m = new HashMap<>();
            listed.forEach((name, snapshot) -> m.put(name, new ModelEntry(this, snapshot)));
            this.models = Map.copyOf(m);
        }

        /** The listed model (case-insensitive), or null. */
        ModelEntry model(String name) {
            return name == null ? null : models.get(lower(name));
        }

        /** Position of a key in {@link #enabledKeys} (identity), -1 when absent. */
        int indexOf(ProviderKeySnapshot k) {
            for (int i = 0; i < enabledKeys.size(); i++) {
                if (enabledKeys.get(i) == k) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A model listed by a provider, with its upstream name and scope strings. */
    static final class ModelEntry {
        final ModelSnapshot model;
        final String upstream;
        final String providerModelScope;
        private final ProviderEntry owner;
        private volatile String[] keyModelScopes; // aligned with owner.enabledKeys, built on first use

        ModelEntry(ProviderEntry owner, ModelSnapshot m) {
            this.owner = owner;
            this.model = m;
            this.upstream = m.upstreamName() != null && !m.upstreamName().isBlank() ? m.upstreamName() : m.name();
            this.providerModelScope = CooldownScope.providerModel(owner.provider.id(), upstream);
        }

        String keyModelScope(int keyIndex) {
            String[] s = keyModelScopes;
            if (s == null) {
                s = new String[owner.enabledKeys.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = CooldownScope.keyModel(owner.enabledKeys.get(i).id(), upstream);
                }
                keyModelScopes = s; // benign race: every thread computes the same strings
            }
            return s[keyIndex];
        }
    }

    /** Builds the index; call once per catalog version. */
    public static CatalogIndex build(CatalogSnapshot s) {
        return new CatalogIndex(s, k -> true);
    }

    /** Builds the index, marking the enabled keys whose secret {@code opens} says cannot be opened. */
    public static CatalogIndex build(CatalogSnapshot s, java.util.function.Predicate<ProviderKeySnapshot> opens) {
        return new CatalogIndex(s, opens);
    }

    /** Whether this relay cannot open the key's sealed secret (so it must never be sent upstream). */
    boolean unopenable(long keyId) {
        return !unopenable.isEmpty() && unopenable.contains(keyId);
    }

    /** Enabled keys of the catalog, and how many of them this relay cannot open. */
    public int enabledKeyCount() {
        return enabledKeyCount;
    }

    public int unopenableKeyCount() {
        return unopenable.size();
    }

    public CatalogSnapshot snapshot() {
        return snapshot;
    }

    public long version() {
        return snapshot.version();
    }

    public ProviderSnapshot provider(long id) {
        return providersById.get(id);
    }

    /** Provider by name (case-insensitive), or null. */
    public ProviderSnapshot provider(String name) {
        return name == null ? null : providersByName.get(lower(name));
    }

    /** The model a provider lists under this name (case-insensitive), or null. */
    public ModelSnapshot model(long providerId, String name) {
        Map<String, ModelSnapshot> m = modelsByProvider.get(providerId);
        return m == null || name == null ? null : m.get(lower(name));
    }

    /** Providers (enabled or not) that list the model name, in catalog order. */
    public List<ProviderSnapshot> providersListing(String modelName) {
        List<ProviderSnapshot> l = modelName == null ? null : providersByModel.get(lower(modelName));
        return l == null ? List.of() : l;
    }

    /** Enabled keys of a provider, by weight descending then id. */
    public List<ProviderKeySnapshot> enabledKeys(long providerId) {
        List<ProviderKeySnapshot> l = enabledKeys.get(providerId);
        return l == null ? List.of() : l;
    }

    /** Disabled keys of a provider, by id. */
    public List<ProviderKeySnapshot> disabledKeys(long providerId) {
        List<ProviderKeySnapshot> l = disabledKeys.get(providerId);
        return l == null ? List.of() : l;
    }

    /** Pool by name (case-insensitive), or null. */
    public PoolSnapshot pool(String name) {
        return name == null ? null : poolsByName.get(lower(name));
    }

    /** Position of a pool in the catalog (dense, from 0), for per-pool counters; -1 when unknown. */
    int poolOrdinal(long poolId) {
        Integer i = poolOrdinals.get(poolId);
        return i == null ? -1 : i;
    }

    int poolCount() {
        return poolOrdinals.size();
    }

    /** Cluster by name (case-insensitive), or null. */
    public ClusterSnapshot cluster(String name) {
        return name == null ? null : clustersByName.get(lower(name));
    }

    /** The enabled model route with the highest precedence matching the name. */
    public Optional<RouteSnapshot> route(String modelName) {
        return routes.match(modelName);
    }

    /** Enabled routes in catalog order. */
    public List<RouteSnapshot> enabledRoutes() {
        return enabledRoutes;
    }

    /** Every model name listed by any provider (de-duplicated case-insensitively, sorted). */
    public List<String> modelNames() {
        return modelNames;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
