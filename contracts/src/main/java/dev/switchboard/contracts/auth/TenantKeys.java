package dev.switchboard.contracts.auth;

/**
 * The shape of a tenant key: {@code sk-sb-} followed by exactly 43 base62 characters (32 random bytes).
 * auth-service generates nothing else, so the relay refuses any other string without a lookup.
 */
public final class TenantKeys {

    public static final String PREFIX = "sk-sb-";
    /** Base62 digits of the secret part: 62^43 &gt; 2^256. */
    public static final int SECRET_DIGITS = 43;
    public static final int LENGTH = PREFIX.length() + SECRET_DIGITS;

    private TenantKeys() {
    }

    /** True when the text has the tenant key format; costs one pass over at most {@link #LENGTH} characters. */
    public static boolean wellFormed(String key) {
        if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }
}
