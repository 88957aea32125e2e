package dev.switchboard.relay.proxy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The event-loop context one exchange runs on. Every callback of the exchange, its attempts and its
 * stream relay goes through {@link #run}, so their state is confined to one thread and needs no locking.
 */
final class OnContext {

    private final Context ctx;

    OnContext(Context ctx) {
        this.ctx = ctx;
    }

    /** Runs inline when already on the context, else queued onto it. */
    void run(Runnable r) {
        if (Vertx.currentContext() == ctx) {
            r.run();
        } else {
            ctx.runOnContext(v -> r.run());
        }
    }
}
