package dev.switchboard.contracts.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block, the one CIDR rule of auth-service (validates and stores) and the relay (matches).
 * IPv4-mapped IPv6 is IPv4 everywhere: {@code ::ffff:10.0.0.0/104} is stored as {@code 10.0.0.0/8},
 * and a client at {@code ::ffff:10.1.2.3} matches it; a mapped block shorter than /96 is refused, as
 * it would span non-mapped addresses. Host bits are masked ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 *
 * <p>Only literals are parsed, never a DNS lookup: IPv4 is exactly four decimal parts (no leading zeros,
 * which some parsers read as octal, and none of the short BSD forms such as {@code 10.1}); IPv6 goes to
 * the JDK only when it contains a colon and starts with a hex digit or a colon, the inputs for which
 * {@link InetAddress#getByName} parses a literal or fails, and does not resolve.
 */
public final class Cidr {

    /** Longer than any address block, with room for surrounding spaces. */
    private static final int MAX_LENGTH = 64;

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** @throws IllegalArgumentException with the reason, for a text that is not an address block */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be an address block such as 10.0.0.0/8, got an empty value");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is too long to be an address block");
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        byte[] address = literal(slash < 0 ? t : t.substring(0, slash), true);
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("the prefix length must be a number from 0 to " + max);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("the prefix length must be a number from 0 to " + max);
            }
        }
        if (address.length == 16 && isMapped(address)) {
            if (prefix < 96) {
                throw new IllegalArgumentException("an IPv4-mapped block (::ffff:a.b.c.d) needs a prefix length of at "
                        + "least 96; write the IPv4 block instead");
            }
            address = Arrays.copyOfRange(address, 12, 16);
            prefix -= 96;
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    /**
     * A client address literal (IPv4, IPv6, IPv6 in brackets), never looked up; an IPv4-mapped IPv6 address
     * comes back as its IPv4 address, as {@link #contains} takes it.
     *
     * @throws IllegalArgumentException when the text is not an address literal
     */
    public static InetAddress address(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is not an IPv4 or IPv6 address");
        }
        String t = text.strip();
        if (t.length() > 2 && t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        byte[] a = literal(t, false);
        if (a.length == 16 && isMapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return byAddress(a);
    }

    /** Whether the address (IPv4-mapped IPv6 taken as its IPv4) lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isMapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return a.length == network.length && Arrays.equals(mask(a, prefix), network);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefix() {
        return prefix;
    }

    /** The canonical text, as stored and published: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        return byAddress(network).getHostAddress() + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    /** 4 bytes, or 16 (a mapped address kept as 16 bytes, so the caller can apply the /96 rule). */
    private static byte[] literal(String host, boolean block) {
        String what = block ? "must be an IPv4 or IPv6 address block such as 10.0.0.0/8 or 2001:db8::/32"
                : "is not an IPv4 or IPv6 address";
        if (host.indexOf(':') < 0) {
            byte[] v4 = ipv4(host);
            if (v4 == null) {
                throw new IllegalArgumentException(what);
            }
            return v4;
        }
        boolean literalOnly = !host.isEmpty() && (Character.digit(host.charAt(0), 16) >= 0 || host.charAt(0) == ':')
                && host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!literalOnly) {
            throw new IllegalArgumentException(what);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what);
        }
        if (bytes.length == 4) {
            // the JDK turns "::ffff:a.b.c.d" into an Inet4Address: keep the mapped form for the prefix rule
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    /** Four decimal parts 0-255 without leading zeros, else null. */
    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || p.length() > 1 && p.charAt(0) == '0') {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static InetAddress byAddress(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }
}
