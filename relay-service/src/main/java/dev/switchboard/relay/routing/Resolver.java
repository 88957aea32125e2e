package dev.switchboard.relay.routing;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderKeySnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Turns a requested model into an ordered candidate chain (docs/architecture.md "Resolution"):
 * <ol>
 * <li>requested model M;</li>
 * <li>group overlay: when the group's routing is enabled and a pattern matches M, its targets replace M;</li>
 * <li>each target expands: {@code provider:<name>} → M on that provider; cluster → members in order;
 * pool → members in strategy order; raw model → the matching model route, else every provider listing it;</li>
 * <li>each (provider, model) → one candidate per enabled key;</li>
 * <li>duplicates, disabled entries, models the group may not use, protocol mismatches, candidates without a
 * price when the tenant is metered ({@link CandidatePrice}) and cooling candidates are skipped, with the
 * reason.</li>
 * </ol>
 * One instance per catalog version; it holds the round-robin counters. Thread-safe.
 */
public final class Resolver {

    private static final int MAX_DEPTH = 4;
    private static final int MAX_CACHED_GROUPS = 10_000;
    private static final String ARROW = " > ";

    private final CatalogIndex catalog;
    private final RandomGenerator random; // null = ThreadLocalRandom of the calling thread
    private final AtomicLongArray roundRobin;
    private final ConcurrentHashMap<Long, GroupRules> groups = new ConcurrentHashMap<>();

    public Resolver(CatalogIndex catalog) {
        this(catalog, null);
    }

    /** @param random source for the weighted strategy (tests pass a seeded one); null = ThreadLocalRandom */
    public Resolver(CatalogIndex catalog, RandomGenerator random) {
        this.catalog = catalog;
        this.random = random;
        this.roundRobin = new AtomicLongArray(Math.max(1, catalog.poolCount()));
    }

    public CatalogIndex catalog() {
        return catalog;
    }

    public Resolution resolve(ResolveRequest r) {
        String requested = r.model();
        GroupRules rules = rules(r.group());
        Ctx ctx = new Ctx(r, rules);
        GroupRules.OverlayMatch overlay = requested == null ? null : rules.overlay(requested);
        List<String> top = overlay != null ? overlay.targets() : (requested == null ? List.of() : List.of(requested));
        String viaPrefix = overlay != null ? "group:" + overlay.pattern() + ARROW : "";
        String resolvedVia = overlay != null ? "group:" + overlay.pattern() : null;
        List<String> known = new ArrayList<>(top.size());
        for (String target : top) {
            ctx.entryAllowed = !rules.hasAllowList() || target != null
                    && rules.allowsEntry(target, catalog.cluster(target) != null || catalog.pool(target) != null);
            String how = expandTarget(ctx, target, viaPrefix);
            if (how == null) {
                ctx.skip(null, target, null, Skip.UNKNOWN_TARGET,
                        overlay != null ? "group routing target names nothing in the catalog"
                                : "no cluster, pool, route or provider knows this model");
            } else {
                known.add(target);
                if (resolvedVia == null) {
                    resolvedVia = how;
                }
            }
        }
        return new Resolution(requested, known, resolvedVia == null ? "unknown" : resolvedVia,
                ctx.candidates, ctx.skipped);
    }

    // ---- step 3: targets ----

    /** Expands one top-level target; returns how it was interpreted, or null when it names nothing. */
    private String expandTarget(Ctx ctx, String target, String via) {
        if (target == null || target.isBlank()) {
            return null;
        }
        if (target.regionMatches(true, 0, GroupSnapshot.PROVIDER_TARGET_PREFIX, 0,
                GroupSnapshot.PROVIDER_TARGET_PREFIX.length())) {
            ProviderSnapshot p = catalog.provider(target.substring(GroupSnapshot.PROVIDER_TARGET_PREFIX.length()));
            if (p == null) {
                return null;
            }
            addPair(ctx, p, ctx.requested, via, null, 0);
            return "provider:" + p.name();
        }
        ClusterSnapshot cluster = catalog.cluster(target);
        if (cluster != null) {
            expandCluster(ctx, cluster, via, 0);
            return "cluster:" + cluster.name();
        }
        PoolSnapshot pool = catalog.pool(target);
        if (pool != null) {
            expandPool(ctx, pool, via);
            return "pool:" + pool.name();
        }
        return expandModel(ctx, target, via, 0);
    }

    private void expandCluster(Ctx ctx, ClusterSnapshot cluster, String via, int depth) {
        if (!cluster.enabled()) {
            ctx.skip(null, cluster.name(), null, Skip.DISABLED, "cluster " + cluster.name() + " is disabled");
            return;
        }
        String v = via + "cluster:" + cluster.name() + ARROW;
        boolean outerTranslates = ctx.translates;
        ctx.translates = outerTranslates && cluster.translates();
        for (ClusterSnapshot.Member m : cluster.members()) {
            if (ClusterSnapshot.POOL.equalsIgnoreCase(m.kind())) {
                PoolSnapshot pool = catalog.pool(m.name());
                if (pool == null) {
                    ctx.skip(null, m.name(), null, Skip.UNKNOWN_TARGET,
                            "cluster " + cluster.name() + " names an unknown pool");
                } else {
                    expandPool(ctx, pool, v);
                }
            } else if (expandModel(ctx, m.name(), v, depth + 1) == null) {
                ctx.skip(null, m.name(), null, Skip.UNKNOWN_TARGET,
                        "cluster " + cluster.name() + " names a model no provider lists");
            }
        }
        ctx.translates = outerTranslates;
    }

    /** Raw model: the matching model route, else every provider listing it. Null when nothing matches. */
    private String expandModel(Ctx ctx, String name, String via, int depth) {
        if (name == null || name.isBlank()) {
            return null;
        }
        Optional<RouteSnapshot> match = depth <= MAX_DEPTH ? catalog.route(name) : Optional.empty();
        // a route already being expanded (route "claude-*" → cluster whose member is "claude-sonnet-4")
        // does not apply again: the member means the model itself, served by the providers listing it
        if (match.isPresent() && !ctx.enterRoute(match.get())) {
            match = Optional.empty();
        }
        if (match.isPresent()) {
            RouteSnapshot route = match.get();
            String v = via + "route:" + route.pattern() + ARROW;
            String kind = route.targetKind() == null ? "" : route.targetKind().toLowerCase(Locale.ROOT);
            boolean found = switch (kind) {
                case RouteSnapshot.PROVIDER -> {
                    ProviderSnapshot p = catalog.provider(route.target());
                    if (p != null) {
                        addPair(ctx, p, name, v, null, 0);
                    }
                    yield p != null;
                }
                case RouteSnapshot.POOL -> {
                    PoolSnapshot pool = catalog.pool(route.target());
                    if (pool != null) {
                        expandPool(ctx, pool, v);
                    }
                    yield pool != null;
                }
                case RouteSnapshot.CLUSTER -> {
                    ClusterSnapshot c = catalog.cluster(route.target());
                    if (c != null) {
                        expandCluster(ctx, c, v, depth + 1);
                    }
                    yield c != null;
                }
                default -> false;
            };
            ctx.leaveRoute();
            if (!found) {
                ctx.skip(null, name, null, Skip.UNKNOWN_TARGET,
                        "route " + route.pattern() + " targets unknown " + kind + " " + route.target());
            }
            return "route:" + route.pattern();
        }
        List<ProviderSnapshot> providers = catalog.providersListing(name);
        if (providers.isEmpty()) {
            return null;
        }
        if (ctx.translates && ctx.protocol != null) { // the catalog's order: the providers needing no translation first
            for (ProviderSnapshot p : providers) {
                if (ctx.protocol.equalsIgnoreCase(p.protocol())) {
                    addPair(ctx, p, name, via, null, 0);
                }
            }
            for (ProviderSnapshot p : providers) {
                if (!ctx.protocol.equalsIgnoreCase(p.protocol())) {
                    addPair(ctx, p, name, via, null, 0);
                }
            }
            return "model:" + name;
        }
        for (ProviderSnapshot p : providers) {
            addPair(ctx, p, name, via, null, 0);
        }
        return "model:" + name;
    }

    private void expandPool(Ctx ctx, PoolSnapshot pool, String via) {
        if (!pool.enabled()) {
            ctx.skip(null, pool.name(), null, Skip.DISABLED, "pool " + pool.name() + " is disabled");
            return;
        }
        String v = via + "pool:" + pool.name() + ARROW;
        String strategy = pool.strategy() == null ? PoolSnapshot.PRIORITY : pool.strategy().toLowerCase(Locale.ROOT);
        List<PoolSnapshot.Member> members = pool.members();
        long turn = 0;
        List<PoolSnapshot.Member> ordered;
        switch (strategy) {
            case PoolSnapshot.ROUND_ROBIN -> {
                int ordinal = catalog.poolOrdinal(pool.id());
                turn = ordinal < 0 ? 0 : roundRobin.getAndIncrement(ordinal);
                ordered = rotateEnabled(members, turn);
            }
            case PoolSnapshot.WEIGHTED -> ordered = weightedEnabled(members, PoolSnapshot.Member::weight, rnd());
            case PoolSnapshot.QUOTA_AWARE -> ordered = byHeadroom(ctx, members);
            default -> ordered = byPriority(members);
        }
        boolean outerRetry = ctx.sameCandidateRetry;
        ctx.sameCandidateRetry = outerRetry && pool.retriesSameCandidate();
        boolean outerTranslates = ctx.translates;
        ctx.translates = outerTranslates && pool.translates();
        for (PoolSnapshot.Member m : ordered) {
            ProviderSnapshot p = catalog.provider(m.providerId());
            if (p == null) {
                ctx.skip(null, m.model(), null, Skip.UNKNOWN_TARGET,
                        "pool " + pool.name() + " names unknown provider id " + m.providerId());
            } else if (!m.enabled()) {
                ctx.skip(p.name(), m.model(), null, Skip.DISABLED, "member of pool " + pool.name() + " is disabled");
            } else {
                addPair(ctx, p, m.model(), v, strategy, turn);
            }
        }
        ctx.sameCandidateRetry = outerRetry;
        ctx.translates = outerTranslates;
    }

    // ---- steps 4 and 5: keys and skips ----

    /**
     * One candidate per enabled key of (provider, model).
     *
     * @param strategy pool strategy ordering the keys, null = weight descending then id
     * @param turn round-robin turn of the pool
     */
    private void addPair(Ctx ctx, ProviderSnapshot p, String modelName, String via, String strategy, long turn) {
        CatalogIndex.ProviderEntry entry = catalog.entry(p.id());
        CatalogIndex.ModelEntry listed = entry.model(modelName);
        ModelSnapshot info = listed == null ? null : listed.model;
        String model = info != null ? info.name() : modelName;
        String upstream = listed != null ? listed.upstream : modelName;
        if (!ctx.firstTime(p.id(), upstream)) {
            ctx.skip(p.name(), model, null, Skip.DUPLICATE, "already in the chain through an earlier target");
            return;
        }
        if (!p.enabled()) {
            ctx.skip(p.name(), model, null, Skip.DISABLED, "provider is disabled");
            return;
        }
        if (info != null && !info.enabled()) {
            ctx.skip(p.name(), model, null, Skip.DISABLED, "model is disabled");
            return;
        }
        if (ctx.protocol != null && !ctx.translates && !ctx.protocol.equalsIgnoreCase(p.protocol())) {
            ctx.skip(p.name(), model, null, Skip.PROTOCOL_MISMATCH,
                    "provider speaks " + p.protocol() + ", endpoint is " + ctx.protocol);
            return;
        }
        if (!ctx.rules.platformAccepts(p.protocol())) {
            ctx.skip(p.name(), model, null, Skip.NOT_ALLOWED,
                    "group is limited to platform " + ctx.rules.platform());
            return;
        }
        if (!ctx.entryAllowed && !ctx.rules.allowsModel(model)) {
            ctx.skip(p.name(), model, null, Skip.NOT_ALLOWED, "model is not in the group's allowed models");
            return;
        }
        if (ctx.metered && !CandidatePrice.exists(p, info)) {
            ctx.skip(p.name(), model, null, Skip.MODEL_NOT_PRICED,
                    "no price: the catalog lists none for this model and the provider has no default price");
            return;
        }
        List<ProviderKeySnapshot> keys = entry.enabledKeys;
        if (keys.isEmpty()) {
            ctx.skip(p.name(), model, null, Skip.NO_KEYS,
                    entry.disabledKeys.isEmpty() ? "provider has no keys" : "every key of the provider is disabled");
            return;
        }
        for (ProviderKeySnapshot k : entry.disabledKeys) {
            ctx.skip(p.name(), model, Candidate.keyLabel(k), Skip.DISABLED, "key is disabled");
        }
        boolean quotaAware = PoolSnapshot.QUOTA_AWARE.equals(strategy);
        if (keys.size() > 1 && strategy != null) {
            keys = switch (strategy) {
                case PoolSnapshot.ROUND_ROBIN -> rotate(keys, turn);
                case PoolSnapshot.WEIGHTED -> weightedEnabled(keys, ProviderKeySnapshot::weight, rnd());
                case PoolSnapshot.QUOTA_AWARE -> sortedDesc(keys, k -> ctx.headroom.headroom(k.id()));
                default -> keys;
            };
        }
        String candidateVia = via + p.name();
        String providerModelScope = null;
        for (ProviderKeySnapshot k : keys) {
            if (catalog.unopenable(k.id())) {
                ctx.skip(p.name(), model, Candidate.keyLabel(k), Skip.NO_CREDENTIAL,
                        "key cannot be opened with this relay's data keys");
                continue;
            }
            if (quotaAware && ctx.headroom.headroom(k.id()) <= 0) {
                ctx.skip(p.name(), model, Candidate.keyLabel(k), Skip.NO_HEADROOM, "key has no headroom left");
                continue;
            }
            String probe = null;
            if (ctx.cooldowns != null) {
                int ki = entry.indexOf(k);
                if (providerModelScope == null) {
                    providerModelScope = listed != null ? listed.providerModelScope
                            : CooldownScope.providerModel(p.id(), upstream);
                }
                CooldownState blocking = null;
                String blockingScope = null;
                // broadest first, so the probe lock is taken on the widest expired scope
                for (int i = 0; i < 4; i++) {
                    String scope = switch (i) {
                        case 0 -> entry.providerScope;
                        case 1 -> providerModelScope;
                        case 2 -> entry.keyScopes[ki];
                        default -> listed != null ? listed.keyModelScope(ki) : CooldownScope.keyModel(k.id(), upstream);
                    };
                    CooldownState st = ctx.cooldowns.get(scope);
                    if (st == null || st.untilEpochMs() <= 0) {
                        continue;
                    }
                    if (st.activeAt(ctx.now)) {
                        if (blocking == null || st.untilEpochMs() > blocking.untilEpochMs()) {
                            blocking = st;
                            blockingScope = scope;
                        }
                    } else if (probe == null) {
                        probe = scope;
                    }
                }
                if (blocking != null) {
                    ctx.skip(p.name(), model, Candidate.keyLabel(k), Skip.COOLING_DOWN,
                            blocking.reason() + ", " + blocking.secondsLeft(ctx.now) + "s left (" + blockingScope + ")");
                    continue;
                }
            }
            ctx.candidates.add(new Candidate(p, model, upstream, info, k, candidateVia, probe, ctx.sameCandidateRetry));
        }
    }

    // ---- ordering helpers ----

    private RandomGenerator rnd() {
        return random != null ? random : ThreadLocalRandom.current();
    }

    private static List<PoolSnapshot.Member> byPriority(List<PoolSnapshot.Member> members) {
        if (members.size() < 2) {
            return members;
        }
        List<PoolSnapshot.Member> l = new ArrayList<>(members);
        l.sort(Comparator.comparingInt(PoolSnapshot.Member::priority)); // stable: ties keep list order
        return l;
    }

    /** Enabled members rotated by the turn, then the disabled ones (to report them as skipped). */
    private static List<PoolSnapshot.Member> rotateEnabled(List<PoolSnapshot.Member> members, long turn) {
        List<PoolSnapshot.Member> on = new ArrayList<>(members.size());
        List<PoolSnapshot.Member> off = null;
        for (PoolSnapshot.Member m : members) {
            if (m.enabled()) {
                on.add(m);
            } else {
                (off == null ? off = new ArrayList<>(2) : off).add(m);
            }
        }
        List<PoolSnapshot.Member> l = rotate(on, turn);
        if (off != null) {
            l = new ArrayList<>(l);
            l.addAll(off);
        }
        return l;
    }

    static <T> List<T> rotate(List<T> items, long turn) {
        int n = items.size();
        int start = n == 0 ? 0 : (int) Math.floorMod(turn, (long) n);
        if (start == 0) {
            return items;
        }
        List<T> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(items.get((start + i) % n));
        }
        return l;
    }

    /**
     * Weighted random order without replacement (Efraimidis–Spirakis: sort by -ln(u)/w ascending), so
     * item i comes first with probability w_i / Σw. Items with weight ≤ 0 or disabled pool members go
     * last in list order.
     */
    static <T> List<T> weightedEnabled(List<T> items, ToIntFunction<T> weight, RandomGenerator rnd) {
        int n = items.size();
        if (n < 2) {
            return items;
        }
        double[] score = new double[n];
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            T t = items.get(i);
            int w = weight.applyAsInt(t);
            boolean off = t instanceof PoolSnapshot.Member m && !m.enabled();
            idx[i] = i;
            score[i] = w <= 0 || off ? Double.POSITIVE_INFINITY
                    : -Math.log(1.0 - rnd.nextDouble()) / w; // 1-u in (0,1]: never log(0)
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(score[a], score[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<T> l = new ArrayList<>(n);
        for (Integer i : idx) {
            l.add(items.get(i));
        }
        return l;
    }

    private static <T> List<T> sortedDesc(List<T> items, ToDoubleFunction<T> score) {
        List<T> l = new ArrayList<>(items);
        l.sort(Comparator.comparingDouble(score).reversed()); // stable: ties keep weight/id order
        return l;
    }

    /** quota_aware: members by the best headroom among their provider's enabled keys, descending; ties by priority. */
    private List<PoolSnapshot.Member> byHeadroom(Ctx ctx, List<PoolSnapshot.Member> members) {
        List<PoolSnapshot.Member> l = byPriority(members);
        if (l.size() < 2) {
            return l;
        }
        double[] best = new double[l.size()];
        Integer[] idx = new Integer[l.size()];
        for (int i = 0; i < l.size(); i++) {
            idx[i] = i;
            double b = 0;
            for (ProviderKeySnapshot k : catalog.enabledKeys(l.get(i).providerId())) {
                b = Math.max(b, ctx.headroom.headroom(k.id()));
            }
            best[i] = b;
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(best[b], best[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<PoolSnapshot.Member> out = new ArrayList<>(l.size());
        for (Integer i : idx) {
            out.add(l.get(i));
        }
        return out;
    }

    private GroupRules rules(GroupSnapshot g) {
        if (g == null) {
            return GroupRules.NONE;
        }
        GroupRules cached = groups.get(g.id());
        if (cached != null && cached.compiledFrom(g)) {
            return cached;
        }
        GroupRules fresh = new GroupRules(g);
        if (groups.size() >= MAX_CACHED_GROUPS) {
            groups.clear();
        }
        groups.put(g.id(), fresh);
        return fresh;
    }

    /** Per-call state. */
    private static final class Ctx {
        final String requested;
        final GroupRules rules;
        final String protocol;
        /** Candidates of the other protocol serve, translated; off inside a pool or cluster that turned it off. */
        boolean translates;
        final CooldownView cooldowns;
        final HeadroomView headroom;
        /** Unpriced candidates are skipped: the tenant's usage moves money. */
        final boolean metered;
        final long now;
        final List<Candidate> candidates = new ArrayList<>(8);
        final List<Skip> skipped = new ArrayList<>(4);
        private Set<PairKey> seen;
        private List<RouteSnapshot> routePath;
        /** The current top-level target is a cluster or pool the allow list names: its members need no pattern. */
        boolean entryAllowed = true;
        /** False while expanding a pool (or a pool inside one) that turned same-candidate retries off. */
        boolean sameCandidateRetry = true;

        Ctx(ResolveRequest r, GroupRules rules) {
            this.requested = r.model();
            this.rules = rules;
            this.protocol = r.protocol() == null || r.protocol().isBlank() ? null : r.protocol();
            this.translates = r.translates();
            this.metered = r.metered();
            this.cooldowns = r.cooldowns() == CooldownView.NONE ? null : r.cooldowns();
            this.headroom = r.headroom() == null ? HeadroomView.NONE : r.headroom();
            this.now = r.nowMs();
        }

        /** Pushes a route on the expansion path; false when it is already on it. */
        boolean enterRoute(RouteSnapshot r) {
            if (routePath == null) {
                routePath = new ArrayList<>(2);
            }
            for (RouteSnapshot on : routePath) {
                if (on == r) {
                    return false;
                }
            }
            routePath.add(r);
            return true;
        }

        void leaveRoute() {
            routePath.remove(routePath.size() - 1);
        }

        boolean firstTime(long providerId, String upstream) {
            if (seen == null) {
                seen = new HashSet<>();
            }
            return seen.add(new PairKey(providerId, upstream));
        }

        void skip(String provider, String model, String keyLabel, String reason, String detail) {
            skipped.add(new Skip(provider, model, keyLabel, reason, detail));
        }
    }

    private record PairKey(long providerId, String upstream) {
    }
}
