package dev.switchboard.relay.routing;

/**
 * One budget per request across both resolution levels and every key: at most {@code maxAttempts}
 * attempts and none started after the deadline. Confined to one request (not shared between threads
 * concurrently).
 */
public final class RetryBudget {

    private final int maxAttempts;
    private final long deadlineEpochMs;
    private int used;

    public RetryBudget(int maxAttempts, long deadlineEpochMs) {
        this.maxAttempts = Math.max(0, maxAttempts);
        this.deadlineEpochMs = deadlineEpochMs;
    }

    /** Takes one attempt; false when the count or the deadline is exhausted (nothing is taken then). */
    public boolean tryAcquire(long nowMs) {
        if (used >= maxAttempts || nowMs >= deadlineEpochMs) {
            return false;
        }
        used++;
        return true;
    }

    /** True when {@link #tryAcquire} would succeed at {@code nowMs}; takes nothing. */
    public boolean canAcquire(long nowMs) {
        return used < maxAttempts && nowMs < deadlineEpochMs;
    }

    /**
     * Gives one attempt back: the candidate it was taken for was not sent after all (another holder
     * owns its probe). Never below zero.
     */
    public void refund() {
        if (used > 0) {
            used--;
        }
    }

    /** Attempts taken so far. */
    public int used() {
        return used;
    }

    /** Milliseconds until the deadline, never negative. */
    public long remainingMs(long nowMs) {
        return Math.max(0, deadlineEpochMs - nowMs);
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
