package dev.switchboard.relay.limits;

/** A concurrency slot held for the duration of one request. */
public interface Lease {

    /** A lease that holds nothing (unlimited concurrency, or Redis unreachable). */
    Lease NONE = () -> {
    };

    /** Frees the slot. Idempotent, fire-and-forget: never blocks and never throws. */
    void release();
}
