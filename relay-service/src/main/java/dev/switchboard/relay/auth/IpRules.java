package dev.switchboard.relay.auth;

import dev.switchboard.contracts.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A key's {@code ipAllow} and {@code ipDeny}, parsed once per loaded snapshot with contracts' {@link Cidr} (only
 * literals, never a DNS lookup; an IPv4-mapped client matches IPv4 blocks). A rule that does not parse makes the
 * whole set {@linkplain #unusable() unusable} and the key is refused: dropping the rule instead would let a lone
 * allow rule admit every address and a deny rule never deny.
 */
final class IpRules {

    /** Enough of a rule to recognise it in a log line; a snapshot is not trusted to hold only short text. */
    private static final int MAX_QUOTED = 64;

    private final List<Cidr> allow = new ArrayList<>();
    private final List<Cidr> deny = new ArrayList<>();
    private final String problem;

    IpRules(List<String> allow, List<String> deny) {
        String p = parse("ipDeny", deny, this.deny);
        String q = parse("ipAllow", allow, this.allow);
        this.problem = q != null ? q : p;
    }

    boolean isEmpty() {
        return problem == null && allow.isEmpty() && deny.isEmpty();
    }

    /** The first rule that does not parse, with the reason ({@code ipAllow[0] "10.0.0.0/104": ...}); null when usable. */
    String unusable() {
        return problem;
    }

    /**
     * Deny rules first, then allow rules (an empty allow list admits every address). Unusable rules and a client
     * address that is not a literal, when there is any rule, admit nobody.
     */
    boolean permits(String address) {
        if (problem != null) {
            return false;
        }
        InetAddress ip = literal(address);
        if (ip == null) {
            return allow.isEmpty() && deny.isEmpty();
        }
        for (Cidr c : deny) {
            if (c.contains(ip)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Parses into {@code out}; returns the first problem, or null. */
    private static String parse(String field, List<String> specs, List<Cidr> out) {
        if (specs == null) {
            return null;
        }
        String problem = null;
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            try {
                out.add(Cidr.parse(spec));
            } catch (IllegalArgumentException e) {
                if (problem == null) {
                    problem = field + "[" + i + "] " + quote(spec) + ": " + e.getMessage();
                }
            }
        }
        return problem;
    }

    private static String quote(String spec) {
        if (spec == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        spec.codePoints().limit(MAX_QUOTED).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.append(spec.length() > MAX_QUOTED ? "...\"" : "\"").toString();
    }

    /** The client address (zone id dropped, IPv4-mapped IPv6 folded to IPv4); null when not a literal. */
    static InetAddress literal(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone) + (t.endsWith("]") ? "]" : "");
        }
        try {
            return Cidr.address(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
