package dev.switchboard.contracts;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ledger's idempotency key of one finished request, drawn by the relay that served it: a UUID
 * version 7 (RFC 9562) — 48 bits of Unix milliseconds, then 74 random bits. Time-ordered (ids sort
 * by the millisecond they were drawn in, so the ledger's primary key index grows at its end) and
 * unique across replicas without coordination: two ids of one millisecond collide with probability
 * 2<sup>-74</sup>. Never the client's {@code x-request-id}, which any caller can repeat.
 */
public final class UsageIds {

    /** Longest id accepted from a stream message (ours are 36). */
    public static final int MAX_LENGTH = 64;

    private UsageIds() {
    }

    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    /** An id drawn at {@code epochMillis} (the event's own timestamp, so id order follows event time). */
    public static String newId(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
