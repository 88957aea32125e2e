package dev.switchboard.contracts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing of provider secrets with rotatable data keys. Sealed form:
 * {@code <keyId>:<base64(iv || ciphertext+tag)>}; the key id is bound as associated data, so a
 * ciphertext cannot be replayed under another key id.
 *
 * <p>Keys are configured as {@code id1:base64key,id2:base64key} (32-byte keys); the first is the
 * active one used for sealing, the others are accepted for opening while a rotation is under way.
 */
public final class SecretBox {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;

    private SecretBox(Map<String, SecretKeySpec> keys, String activeKeyId) {
        this.keys = keys;
        this.activeKeyId = activeKeyId;
    }

    /**
     * @param spec {@code id:base64key[,id:base64key...]}, first = active
     * @throws IllegalArgumentException with a message that never includes key material
     */
    public static SecretBox fromSpec(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("data key spec is empty; expected id:base64(32 bytes)[,id:base64...]");
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        String active = null;
        for (String part : spec.split(",")) {
            String trimmed = part.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("data key entry without an id; expected id:base64key");
            }
            String id = trimmed.substring(0, colon);
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data key '" + id + "' is not valid base64");
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException("data key '" + id + "' must be 32 bytes, got " + raw.length);
            }
            keys.put(id, new SecretKeySpec(raw, "AES"));
            if (active == null) {
                active = id;
            }
        }
        return new SecretBox(Map.copyOf(keys), active);
    }

    /** A new random 32-byte key, base64, for configuration. */
    public static String newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public String seal(String plaintext) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(activeKeyId.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return activeKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed: " + e.getClass().getSimpleName());
        }
    }

    /** @throws IllegalArgumentException for an unknown key id or a tampered ciphertext (no detail leaked) */
    public String open(String sealed) {
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("sealed secret has no key id");
        }
        String keyId = sealed.substring(0, colon);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalArgumentException("sealed secret uses unknown data key id '" + keyId + "'");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(colon + 1));
            if (in.length <= IV_BYTES) {
                throw new IllegalArgumentException("sealed secret is truncated");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed secret cannot be opened with data key '" + keyId + "'");
        }
    }

    /** Whether {@code sealed} was sealed with a key other than the active one (due for re-sealing). */
    public boolean needsRotation(String sealed) {
        return sealed == null || !sealed.startsWith(activeKeyId + ":");
    }
}
