package dev.switchboard.relay.proxy;

import io.vertx.core.Vertx;

/**
 * One timer for "nothing happened for {@code ms}": activity only stamps a time ({@link #touch}); the
 * timer re-schedules itself for the rest of the quiet period instead of being cancelled and re-armed per
 * chunk. Confined to the owner's context.
 */
final class QuietTimer {

    private final Vertx vertx;
    private final OnContext on;
    private long timer = -1;
    private long lastActivity = System.nanoTime();
    private Object watching;
    private Runnable onQuiet;

    QuietTimer(Vertx vertx, OnContext on) {
        this.vertx = vertx;
        this.on = on;
    }

    /**
     * Watches for {@code ms} without activity under the label {@code what}; a repeated arm with the same
     * label only counts as activity. {@code ms <= 0} watches nothing.
     */
    void arm(long ms, Object what, Runnable whenQuiet) {
        lastActivity = System.nanoTime();
        if (timer >= 0 && what.equals(watching)) {
            return;
        }
        cancel();
        watching = what;
        onQuiet = whenQuiet;
        if (ms > 0) {
            schedule(ms, ms);
        }
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    void cancel() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        watching = null;
    }

    private void schedule(long delayMs, long limitMs) {
        timer = vertx.setTimer(Math.max(1, delayMs), id -> on.run(() -> {
            if (timer != id) {
                return;
            }
            long quietMs = (System.nanoTime() - lastActivity) / 1_000_000;
            if (quietMs >= limitMs) {
                timer = -1;
                watching = null;
                onQuiet.run();
            } else {
                schedule(limitMs - quietMs, limitMs);
            }
        }));
    }
}
