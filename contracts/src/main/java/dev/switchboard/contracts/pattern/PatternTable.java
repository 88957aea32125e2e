package dev.switchboard.contracts.pattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the best pattern for a name among many, with the precedence of docs/architecture.md "Resolution": exact name &gt;
 * longest literal prefix &gt; fewer wildcards &gt; priority (lower first) &gt; creation order.
 *
 * <p>Exact patterns sit in a hash map; wildcard patterns hang in a trie under their literal prefix.
 * A lookup walks the trie along the name once and then tests only the patterns whose prefix the name
 * has, deepest (longest prefix) first, so a table of thousands of routes costs a handful of
 * comparisons instead of a scan. Immutable and thread-safe once built.
 *
 * @param <T> the value a pattern leads to
 */
public final class PatternTable<T> {

    private static final Comparator<Entry<?>> ORDER = Comparator
            .<Entry<?>>comparingInt(e -> e.pattern.wildcardCount())
            .thenComparingInt(e -> e.priority)
            .thenComparingLong(e -> e.seq);

    private final Map<String, List<Entry<T>>> exact;
    private final Node<T> root;
    private final int size;

    private PatternTable(Map<String, List<Entry<T>>> exact, Node<T> root, int size) {
        this.exact = exact;
        this.root = root;
        this.size = size;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @SuppressWarnings("unchecked")
    public static <T> PatternTable<T> empty() {
        return (PatternTable<T>) EMPTY;
    }

    private static final PatternTable<Object> EMPTY = new PatternTable<>(Map.of(), new Node<>(), 0);

    public int size() {
        return size;
    }

    /** The best match for {@code name}, or empty. */
    public Optional<T> match(String name) {
        Entry<T> e = best(name);
        return e == null ? Optional.empty() : Optional.of(e.value);
    }

    /** The best matching entry (pattern and value), or null. */
    public Entry<T> best(String name) {
        if (name == null || size == 0) {
            return null;
        }
        String lower = ModelPattern.lower(name);
        List<Entry<T>> ex = exact.get(lower);
        if (ex != null) {
            return ex.get(0);
        }
        List<Node<T>> path = path(lower);
        for (int i = path.size() - 1; i >= 0; i--) {
            Entry<T> e = path.get(i).best(name, lower);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Every match for {@code name}, best first. */
    public List<T> matchAll(String name) {
        List<T> out = new ArrayList<>();
        if (name == null || size == 0) {
            return out;
        }
        String lower = ModelPattern.lower(name);
        List<Entry<T>> ex = exact.get(lower);
        if (ex != null) {
            ex.forEach(e -> out.add(e.value));
        }
        List<Node<T>> path = path(lower);
        for (int i = path.size() - 1; i >= 0; i--) {
            List<Entry<T>> matches = new ArrayList<>();
            path.get(i).all(name, lower, matches);
            matches.sort(ORDER);
            matches.forEach(e -> out.add(e.value));
        }
        return out;
    }

    /** Every entry (for listings). */
    public List<Entry<T>> entries() {
        List<Entry<T>> out = new ArrayList<>();
        exact.values().forEach(out::addAll);
        collect(root, out);
        return out;
    }

    /** Trie nodes holding patterns along the name's prefixes, root first. */
    private List<Node<T>> path(String lower) {
        List<Node<T>> path = new ArrayList<>(4);
        Node<T> node = root;
        if (node.hasEntries()) {
            path.add(node);
        }
        for (int i = 0; i < lower.length(); i++) {
            node = node.children.get(lower.charAt(i));
            if (node == null) {
                break;
            }
            if (node.hasEntries()) {
                path.add(node);
            }
        }
        return path;
    }

    private static <T> void collect(Node<T> node, List<Entry<T>> out) {
        out.addAll(node.open);
        if (node.suffixes != null) {
            node.suffixes.collect(out);
        }
        node.children.values().forEach(c -> collect(c, out));
    }

    /** Entries of one list are sorted by precedence: the first match is the list's best. */
    private static <T> Entry<T> first(List<Entry<T>> entries, String name) {
        for (Entry<T> e : entries) {
            if (e.pattern.matches(name)) {
                return e;
            }
        }
        return null;
    }

    private static <T> Entry<T> better(Entry<T> a, Entry<T> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return ORDER.compare(a, b) <= 0 ? a : b;
    }

    /** A pattern with its tie-breakers and value. */
    public record Entry<T>(ModelPattern pattern, int priority, long seq, T value) {
    }

    /**
     * Wildcard patterns sharing one literal prefix. Those ending in {@code *} are tested in order;
     * those ending in a literal hang in a reverse trie under that suffix, so a name only meets the
     * patterns whose suffix it has.
     */
    private static final class Node<T> {
        final Map<Character, Node<T>> children = new HashMap<>(4);
        final List<Entry<T>> open = new ArrayList<>(0);
        Suffix<T> suffixes;

        boolean hasEntries() {
            return !open.isEmpty() || suffixes != null;
        }

        Entry<T> best(String name, String lower) {
            Entry<T> best = first(open, name);
            if (suffixes != null) {
                Suffix<T> s = suffixes;
                for (int i = lower.length() - 1; i >= 0 && s != null; i--) {
                    s = s.children.get(lower.charAt(i));
                    if (s != null && !s.entries.isEmpty()) {
                        best = better(best, first(s.entries, name));
                    }
                }
            }
            return best;
        }

        void all(String name, String lower, List<Entry<T>> out) {
            for (Entry<T> e : open) {
                if (e.pattern.matches(name)) {
                    out.add(e);
                }
            }
            Suffix<T> s = suffixes;
            for (int i = lower.length() - 1; i >= 0 && s != null; i--) {
                s = s.children.get(lower.charAt(i));
                if (s != null) {
                    for (Entry<T> e : s.entries) {
                        if (e.pattern.matches(name)) {
                            out.add(e);
                        }
                    }
                }
            }
        }

        void add(Entry<T> e) {
            String suffix = e.pattern.literalSuffix();
            if (suffix.isEmpty()) {
                open.add(e);
                return;
            }
            if (suffixes == null) {
                suffixes = new Suffix<>();
            }
            Suffix<T> s = suffixes;
            for (int i = suffix.length() - 1; i >= 0; i--) {
                s = s.children.computeIfAbsent(suffix.charAt(i), c -> new Suffix<>());
            }
            s.entries.add(e);
        }

        void sort() {
            open.sort(ORDER);
            if (suffixes != null) {
                suffixes.sort();
            }
            children.values().forEach(Node::sort);
        }
    }

    private static final class Suffix<T> {
        final Map<Character, Suffix<T>> children = new HashMap<>(4);
        final List<Entry<T>> entries = new ArrayList<>(0);

        void sort() {
            entries.sort(ORDER);
            children.values().forEach(Suffix::sort);
        }

        void collect(List<Entry<T>> out) {
            out.addAll(entries);
            children.values().forEach(c -> c.collect(out));
        }
    }

    public static final class Builder<T> {
        private final List<Entry<T>> entries = new ArrayList<>();
        private long nextSeq;

        /** Adds a pattern with priority 0 and creation order = insertion order. */
        public Builder<T> add(String pattern, T value) {
            return add(pattern, 0, nextSeq, value);
        }

        /**
         * @param priority lower wins among patterns equal on prefix and wildcards
         * @param seq creation order, lower wins last
         * @throws IllegalArgumentException for an invalid pattern
         */
        public Builder<T> add(String pattern, int priority, long seq, T value) {
            entries.add(new Entry<>(ModelPattern.compile(pattern), priority, seq, value));
            nextSeq = Math.max(nextSeq, seq + 1);
            return this;
        }

        public PatternTable<T> build() {
            Map<String, List<Entry<T>>> exact = new HashMap<>();
            Node<T> root = new Node<>();
            for (Entry<T> e : entries) {
                if (e.pattern.isExact()) {
                    exact.computeIfAbsent(e.pattern.literalPrefix(), k -> new ArrayList<>()).add(e);
                } else {
                    Node<T> node = root;
                    String prefix = e.pattern.literalPrefix();
                    for (int i = 0; i < prefix.length(); i++) {
                        node = node.children.computeIfAbsent(prefix.charAt(i), c -> new Node<>());
                    }
                    node.add(e);
                }
            }
            exact.values().forEach(l -> l.sort(ORDER));
            root.sort();
            return new PatternTable<>(exact, root, entries.size());
        }
    }
}
