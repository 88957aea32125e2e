package dev.switchboard.contracts.pattern;

import java.util.ArrayList;
import java.util.List;

/**
 * A model-name pattern: {@code *} matches any run of characters (including none), everything else is
 * literal; the whole name must match; comparison ignores case. No regex is ever built: matching anchors
 * the literal prefix and suffix, then finds the middle segments left to right with a KMP search, which
 * is linear in the name and pattern lengths (greedy leftmost placement is exact when {@code *} is the
 * only wildcard).
 */
public final class ModelPattern {

    public static final int MAX_LENGTH = 256;

    private final String source;
    private final char[] prefix;
    private final char[] suffix;
    private final char[][] middle;
    private final int[][] middleFailure;
    private final int wildcards;

    private ModelPattern(String source) {
        this.source = source;
        String lower = lower(source);
        List<String> parts = split(lower);
        this.wildcards = parts.size() - 1;
        this.prefix = parts.get(0).toCharArray();
        if (wildcards == 0) {
            this.suffix = new char[0];
            this.middle = new char[0][];
        } else {
            this.suffix = parts.get(parts.size() - 1).toCharArray();
            List<char[]> mid = new ArrayList<>();
            for (int i = 1; i < parts.size() - 1; i++) {
                if (!parts.get(i).isEmpty()) {
                    mid.add(parts.get(i).toCharArray());
                }
            }
            this.middle = mid.toArray(new char[0][]);
        }
        this.middleFailure = new int[middle.length][];
        for (int i = 0; i < middle.length; i++) {
            middleFailure[i] = failure(middle[i]);
        }
    }

    /**
     * Checks a pattern and says why it is refused.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static void validate(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern is empty");
        }
        if (pattern.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "pattern is " + pattern.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("pattern contains a control character at position " + i);
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException("pattern contains whitespace at position " + i);
            }
        }
    }

    /** @throws IllegalArgumentException when {@link #validate(String)} refuses the pattern */
    public static ModelPattern compile(String pattern) {
        validate(pattern);
        return new ModelPattern(pattern);
    }

    /**
     * Compiles without the {@value #MAX_LENGTH}-character limit (character checks still apply). For
     * benchmarks that prove matching stays linear on patterns far beyond what validation accepts.
     */
    public static ModelPattern compileUnbounded(String pattern) {
        if (pattern != null && pattern.length() > MAX_LENGTH) {
            validate(pattern.substring(0, MAX_LENGTH));
            validate(pattern.substring(pattern.length() - MAX_LENGTH));
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                    throw new IllegalArgumentException("pattern contains a control or space character at position " + i);
                }
            }
            return new ModelPattern(pattern);
        }
        return compile(pattern);
    }

    public String source() {
        return source;
    }

    /** Number of {@code *} in the pattern (0 = exact name). */
    public int wildcardCount() {
        return wildcards;
    }

    public boolean isExact() {
        return wildcards == 0;
    }

    /** Length of the literal text before the first {@code *} (the whole pattern when exact). */
    public int literalPrefixLength() {
        return prefix.length;
    }

    /** The literal text before the first {@code *}, lower-cased. */
    public String literalPrefix() {
        return new String(prefix);
    }

    /** The literal text after the last {@code *}, lower-cased (empty when exact or ending in {@code *}). */
    public String literalSuffix() {
        return new String(suffix);
    }

    /** Whether the whole {@code name} matches, ignoring case. A null name never matches. */
    public boolean matches(String name) {
        if (name == null) {
            return false;
        }
        int n = name.length();
        if (wildcards == 0) {
            return n == prefix.length && regionEquals(name, 0, prefix);
        }
        if (n < prefix.length + suffix.length) {
            return false;
        }
        if (!regionEquals(name, 0, prefix) || !regionEquals(name, n - suffix.length, suffix)) {
            return false;
        }
        int from = prefix.length;
        int end = n - suffix.length;
        for (int i = 0; i < middle.length; i++) {
            int at = indexOf(name, from, end, middle[i], middleFailure[i]);
            if (at < 0) {
                return false;
            }
            from = at + middle[i].length;
        }
        return true;
    }

    @Override
    public String toString() {
        return source;
    }

    static String lower(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char l = Character.toLowerCase(c);
            if (l != c && sb == null) {
                sb = new StringBuilder(s.length());
                sb.append(s, 0, i);
            }
            if (sb != null) {
                sb.append(l);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '*') {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static boolean regionEquals(String name, int offset, char[] lit) {
        for (int i = 0; i < lit.length; i++) {
            if (Character.toLowerCase(name.charAt(offset + i)) != lit[i]) {
                return false;
            }
        }
        return true;
    }

    private static int[] failure(char[] p) {
        int[] f = new int[p.length];
        int k = 0;
        for (int i = 1; i < p.length; i++) {
            while (k > 0 && p[i] != p[k]) {
                k = f[k - 1];
            }
            if (p[i] == p[k]) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }

    /** KMP search of {@code p} in {@code name[from, end)}, case-insensitive; -1 when absent. */
    private static int indexOf(String name, int from, int end, char[] p, int[] f) {
        int k = 0;
        for (int i = from; i < end; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            while (k > 0 && c != p[k]) {
                k = f[k - 1];
            }
            if (c == p[k]) {
                k++;
            }
            if (k == p.length) {
                return i - p.length + 1;
            }
        }
        return -1;
    }
}
