package dev.switchboard.auth.service;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IPv4 and IPv6 CIDRs without ever resolving a host name. A bare address is accepted and
 * normalised to a single-host CIDR ({@code /32} or {@code /128}).
 */
public final class Cidrs {

    private Cidrs() {
    }

    /** @return the CIDR in canonical {@code address/prefix} form; throws IllegalArgumentException with the reason */
    public static String normalize(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be an IPv4 or IPv6 CIDR, got an empty value");
        }
        String s = text.strip();
        if (s.length() > 64) {
            throw new IllegalArgumentException("is too long to be a CIDR");
        }
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        boolean v6 = address.indexOf(':') >= 0;
        byte[] bytes = v6 ? parseV6(address) : parseV4(address);
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("has an invalid prefix length '" + p + "'");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length " + prefix + " exceeds " + max);
            }
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not an IP address");
        }
    }

    private static byte[] parseV4(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 address");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 address");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("'" + address + "' has an octet above 255");
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] parseV6(String address) {
        // Only hex digits, colons and (for an embedded IPv4 tail) dots: InetAddress then parses a
        // literal and never touches DNS.
        if (address.length() > 45 || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv6 address");
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length == 16) {
                return bytes;
            }
            // An IPv4-mapped literal (::ffff:a.b.c.d) comes back as IPv4: keep it as IPv6.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv6 address");
        }
    }
}
