package dev.switchboard.relay.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** IPv4/IPv6 CIDR matching without DNS: only address literals are ever parsed. */
final class IpRules {

    private final List<Cidr> deny;
    private final List<Cidr> allow;

    IpRules(List<String> allow, List<String> deny) {
        this.allow = parse(allow);
        this.deny = parse(deny);
    }

    boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    /** Deny rules first, then allow rules (an empty allow list admits every address). */
    boolean permits(String address) {
        byte[] ip = literal(address);
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

    private static List<Cidr> parse(List<String> specs) {
        List<Cidr> out = new ArrayList<>();
        if (specs == null) {
            return out;
        }
        for (String spec : specs) {
            Cidr c = Cidr.parse(spec);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Bytes of an IP literal, IPv4-mapped IPv6 folded to IPv4; null when not a literal. */
    static byte[] literal(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (t.isEmpty() || !t.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            return null;
        }
        if (t.indexOf(':') < 0 && !t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(t).getAddress();
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] net, int bits) {
        static Cidr parse(String spec) {
            if (spec == null || spec.isBlank()) {
                return null;
            }
            String s = spec.trim();
            int slash = s.indexOf('/');
            byte[] addr = literal(slash < 0 ? s : s.substring(0, slash));
            if (addr == null) {
                return null;
            }
            int bits = addr.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return null;
                }
                if (bits < 0 || bits > addr.length * 8) {
                    return null;
                }
            }
            return new Cidr(addr, bits);
        }

        boolean contains(byte[] ip) {
            if (ip.length != net.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != net[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (ip[full] & mask) == (net[full] & mask);
        }
    }
}
