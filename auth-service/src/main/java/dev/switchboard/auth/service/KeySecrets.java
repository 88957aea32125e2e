package dev.switchboard.auth.service;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Tenant key secrets: {@code sk-sb-} + base62 of 32 SecureRandom bytes; stored only as SHA-256 hex. */
public final class KeySecrets {

    public static final String PREFIX = "sk-sb-";
    /** Characters of the plaintext kept for display ({@code sk-sb-} and six secret characters). */
    public static final int DISPLAY_PREFIX_LENGTH = 12;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** 62^43 &gt; 2^256: every 32-byte value fits in 43 base62 digits; padding keeps the length fixed. */
    private static final int SECRET_DIGITS = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        BigInteger n = new BigInteger(1, bytes);
        BigInteger base = BigInteger.valueOf(62);
        char[] digits = new char[SECRET_DIGITS];
        for (int i = SECRET_DIGITS - 1; i >= 0; i--) {
            BigInteger[] qr = n.divideAndRemainder(base);
            digits[i] = BASE62[qr[1].intValue()];
            n = qr[0];
        }
        return PREFIX + new String(digits);
    }

    public static String displayPrefix(String plaintext) {
        return plaintext.substring(0, DISPLAY_PREFIX_LENGTH);
    }

    public static String sha256Hex(String plaintext) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the text is a lowercase or uppercase 64-digit hex SHA-256. */
    public static boolean isSha256Hex(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
