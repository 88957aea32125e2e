package dev.switchboard.contracts.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block, the one CIDR rule of auth-service (validates and stores) and the relay (matches).
 * IPv4-mapped IPv6 is IPv4 everywhere: {@code ::ffff:10.0.0.0/104} is stored as {@code 10.0.0.0/8},
 * and a client at {@code ::ffff:10.1.2.3} matches it; a mapped block shorter than /96 is refused, as
 * it would span non-mapped addresses. Only literals are parsed (never a DNS lookup).
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
    }

    /** @throws IllegalArgumentException with the reason, for a text that is not an address block */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be an address block such as 10.0.0.0/8");
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        byte[] address = literal(host);
        int max = address.length * 8;
        int prefix;
        if (slash < 0) {
            prefix = max;
        } else {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the prefix length must be a number");
            }
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("the prefix length must be between 0 and " + max);
        }
        if (address.length == 16 && isMapped(address)) {
            if (prefix < 96) {
                throw new IllegalArgumentException("an IPv4-mapped block needs a prefix of at least 96");
            }
            address = Arrays.copyOfRange(address, 12, 16);
            prefix -= 96;
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    /** Whether the address (IPv4-mapped IPv6 taken as its IPv4) lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isMapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return a.length == network.length && Arrays.equals(mask(a, prefix), network);
    }

    /** The canonical text, as stored and published: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    private static byte[] literal(String host) {
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("must be an IPv4 or IPv6 address block");
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address) && !(a instanceof Inet6Address)) {
                throw new IllegalArgumentException("must be an IPv4 or IPv6 address block");
            }
            byte[] bytes = a.getAddress();
            // the JDK turns "::ffff:a.b.c.d" into an Inet4Address: keep the mapped form for the prefix rule
            if (bytes.length == 4 && host.contains(":")) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("must be an IPv4 or IPv6 address block");
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
