package dev.switchboard.contracts;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id every service puts on its answers and log lines. A caller's {@code x-request-id} is
 * kept when it is 1–64 characters of {@code [A-Za-z0-9._-]} (so it is safe in a header and a log line);
 * anything else is replaced by a new random id.
 */
public final class RequestIds {

    public static final String HEADER = "x-request-id";
    /** Key of the id in the logging MDC. */
    public static final String MDC_KEY = "requestId";
    public static final int MAX_LENGTH = 64;

    private RequestIds() {
    }

    /** The caller's id when it is sane, else a new one. */
    public static String accept(String given) {
        return isSane(given) ? given : newId();
    }

    public static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits in UUID form; ThreadLocalRandom, because SecureRandom would serialise event loops. */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }
}
