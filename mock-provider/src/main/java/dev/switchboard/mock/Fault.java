package dev.switchboard.mock;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A parsed fault spec such as {@code status=429;retry-after=30} or {@code ttfb=2000,cut-after=3}.
 * Parameters are separated by {@code ;} or {@code ,}; flags ({@code hang}, {@code malformed},
 * {@code inband-error}) take no value. Unknown parameters are rejected so a typo never silently
 * turns a fault test into a happy-path test.
 */
final class Fault {

    static final Fault NONE = new Fault(Map.of());

    /** Delays are capped so a mistyped value cannot park a test for hours. */
    static final long MAX_DELAY_MS = 600_000;

    /** A stall without {@code stall=} lasts this long before the connection is closed. */
    static final long DEFAULT_STALL_MS = 60_000;
    /** Status of a {@code flap} fault while it is down, when no {@code status} is given. */
    static final int DEFAULT_FLAP_STATUS = 503;

    private static final Set<String> FLAGS = Set.of("hang", "malformed", "inband-error", "no-sentinel", "reset",
            "no-prefill");
    private static final Set<String> VALUED = Set.of(
            "status", "retry-after", "code", "ttfb", "chunk-delay", "cut-after", "remaining", "remaining-tokens",
            "first-token", "stall-after", "stall", "bad-event", "flap", "error-after");

    private final Map<String, String> params;

    final int status;
    /** Seconds for {@code Retry-After}; -1 = do not send, {@code null} = protocol default. */
    final Integer retryAfter;
    final String code;
    final long ttfbMs;
    final long chunkDelayMs;
    /** Number of SSE events sent before the connection is closed; -1 = no cut. */
    final int cutAfter;
    final boolean hang;
    final boolean malformed;
    final boolean inbandError;
    /** Value of the remaining-requests headers on a success; -1 = default. */
    final long remainingRequests;
    final long remainingTokens;
    /** Streams: the first content event waits this long, the events before it go out at once. */
    final long firstTokenMs;
    /** Streams: after this many events nothing more is sent for {@link #stallMs}, then the connection closes; -1 = no stall. */
    final int stallAfter;
    final long stallMs;
    /** Streams: an unparseable event is inserted after this many events; -1 = none. */
    final int badEventAt;
    /** Streams: the finish event (and usage) are sent, then a clean close without {@code [DONE]} / {@code message_stop}. */
    final boolean noSentinel;
    /** TCP RST instead of an answer (or, with {@code cut-after} / {@code stall-after}, instead of a FIN). */
    final boolean reset;
    /** 400 (in the protocol's shape) for any request whose last message is an assistant prefill. */
    final boolean noPrefill;
    /** Streams: after this many events an in-band error event (kind from {@code status}), then the end; -1 = none. */
    final int errorAfter;
    /** Down ({@code status}, default 503) for this many ms after the first request per model, then healthy; 0 = no flap. */
    final long flapMs;

    private Fault(Map<String, String> params) {
        this.params = Collections.unmodifiableMap(params);
        this.status = params.containsKey("status") ? intIn(params, "status", 400, 599) : 0;
        if (!params.containsKey("retry-after")) {
            this.retryAfter = null;
        } else if ("none".equals(params.get("retry-after"))) {
            this.retryAfter = -1;
        } else {
            this.retryAfter = intIn(params, "retry-after", 0, 86_400);
        }
        this.code = params.get("code");
        if (code != null && !code.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("code must be 1-64 of [A-Za-z0-9_.-], was '" + code + "'");
        }
        this.ttfbMs = params.containsKey("ttfb") ? intIn(params, "ttfb", 0, MAX_DELAY_MS) : 0;
        this.chunkDelayMs = params.containsKey("chunk-delay") ? intIn(params, "chunk-delay", 0, MAX_DELAY_MS) : 0;
        this.cutAfter = params.containsKey("cut-after") ? intIn(params, "cut-after", 0, 1_000_000) : -1;
        this.remainingRequests = params.containsKey("remaining") ? intIn(params, "remaining", 0, Integer.MAX_VALUE) : -1;
        this.remainingTokens = params.containsKey("remaining-tokens")
                ? intIn(params, "remaining-tokens", 0, Integer.MAX_VALUE) : -1;
        this.hang = params.containsKey("hang");
        this.malformed = params.containsKey("malformed");
        this.inbandError = params.containsKey("inband-error");
        this.firstTokenMs = params.containsKey("first-token") ? intIn(params, "first-token", 0, MAX_DELAY_MS) : 0;
        this.stallAfter = params.containsKey("stall-after") ? intIn(params, "stall-after", 0, 1_000_000) : -1;
        this.stallMs = params.containsKey("stall") ? intIn(params, "stall", 0, MAX_DELAY_MS) : DEFAULT_STALL_MS;
        if (params.containsKey("stall") && stallAfter < 0) {
            throw new IllegalArgumentException("fault parameter 'stall' needs 'stall-after' (the events sent before it)");
        }
        this.badEventAt = params.containsKey("bad-event") ? intIn(params, "bad-event", 0, 1_000_000) : -1;
        this.noSentinel = params.containsKey("no-sentinel");
        this.reset = params.containsKey("reset");
        this.noPrefill = params.containsKey("no-prefill");
        this.errorAfter = params.containsKey("error-after") ? intIn(params, "error-after", 0, 1_000_000) : -1;
        this.flapMs = params.containsKey("flap") ? intIn(params, "flap", 1, MAX_DELAY_MS) : 0;
    }

    /**
     * This flap fault resolved for one request: while {@code down}, a status fault (its
     * {@code status}, default 503); afterwards the other parameters only. Only called when
     * {@link #flapMs} is set, so the default path allocates nothing.
     */
    Fault flapped(boolean down) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.remove("flap");
        if (down) {
            p.putIfAbsent("status", Integer.toString(DEFAULT_FLAP_STATUS));
        } else {
            p.remove("status");
            p.remove("retry-after");
            p.remove("code");
        }
        return p.isEmpty() ? NONE : new Fault(p);
    }

    /**
     * Parses a spec; blank means no fault.
     *
     * @throws IllegalArgumentException naming the offending part
     */
    static Fault parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        if (spec.length() > 512) {
            throw new IllegalArgumentException("fault spec longer than 512 characters");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String part : spec.split("[;,]")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1).trim();
            if (FLAGS.contains(name)) {
                if (value != null && !value.isEmpty() && !"true".equalsIgnoreCase(value)) {
                    throw new IllegalArgumentException("fault flag '" + name + "' takes no value");
                }
                params.put(name, "true");
            } else if (VALUED.contains(name)) {
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException("fault parameter '" + name + "' needs a value (" + name + "=...)");
                }
                params.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown fault parameter '" + name + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(union())));
            }
        }
        return params.isEmpty() ? NONE : new Fault(params);
    }

    private static Set<String> union() {
        java.util.Set<String> all = new java.util.HashSet<>(FLAGS);
        all.addAll(VALUED);
        return all;
    }

    /** This fault with {@code other}'s parameters laid over it (other wins on a clash). */
    Fault overriddenBy(Fault other) {
        if (other.params.isEmpty()) {
            return this;
        }
        if (params.isEmpty()) {
            return other;
        }
        Map<String, String> merged = new LinkedHashMap<>(params);
        merged.putAll(other.params);
        return new Fault(merged);
    }

    boolean isNone() {
        return params.isEmpty();
    }

    private static int intIn(Map<String, String> params, String name, long min, long max) {
        String raw = params.get(name);
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault parameter '" + name + "' must be a whole number, was '" + raw + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("fault parameter '" + name + "' must be between " + min + " and " + max
                    + ", was " + v);
        }
        return (int) v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            sb.append(FLAGS.contains(k) ? k : k + "=" + v);
        });
        return sb.toString();
    }
}
