package dev.switchboard.relay.proxy;

import dev.switchboard.relay.routing.AttemptOutcome;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A committed stream, from the moment the client has the first event: forwards the upstream's bytes
 * with back-pressure (the upstream is paused while the client's write queue is full), watches the idle
 * gap between chunks and the maximum stream duration, and reports how it ended exactly once. Writing the
 * closing error event is the exchange's job, so the event can name what the exchange decided.
 */
final class StreamRelay {

    /** How a committed stream ended. */
    sealed interface End {
        /** The protocol's regular end arrived. */
        record Completed() implements End {
        }

        /** Cut, stalled or errored after the commit; {@code errorForwarded}: an in-band error already went out. */
        record Broken(AttemptOutcome outcome, boolean errorForwarded) implements End {
        }

        /** Ran past {@code switchboard.request.max-stream}. */
        record TooLong() implements End {
        }
    }

    private final UpstreamAttempt attempt;
    private final HttpServerResponse out;
    private final Vertx vertx;
    private final OnContext on;
    private final Consumer<End> onEnd;
    private final StreamTap tap;
    private long maxStreamTimer = -1;
    private boolean ended;

    StreamRelay(UpstreamAttempt attempt, HttpServerResponse out, Vertx vertx, OnContext on, Consumer<End> onEnd) {
        this.attempt = attempt;
        this.out = out;
        this.vertx = vertx;
        this.on = on;
        this.onEnd = onEnd;
        this.tap = attempt.tap();
    }

    /**
     * Takes the upstream response over and writes {@code pending} (the first event and whatever came with it).
     *
     * @param maxStreamLeftMs time left before the stream is ended for running too long; {@code <= 0}: no limit
     */
    void start(Buffer pending, long maxStreamLeftMs, boolean limited) {
        out.write(pending);
        HttpClientResponse resp = attempt.response();
        long idleMs = attempt.candidate().provider().timeouts().idleMs();
        resp.handler(chunk -> {
            if (ended) {
                return;
            }
            attempt.scanner().feed(chunk);
            if (ended || out.closed()) {
                return;
            }
            Buffer toWrite = tap.rewrites() ? tap.drain() : tap.cut(chunk);
            if (tap.brokenBy() != null) { // an in-band error, held back: the stream is over, and may be continued
                if (toWrite.length() > 0) {
                    out.write(toWrite);
                }
                end(new End.Broken(new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, tap.brokenBy(), Map.of()),
                        false));
                return;
            }
            if (toWrite.length() > 0) {
                out.write(toWrite);
                if (out.writeQueueFull()) {
                    resp.pause();
                    out.drainHandler(v -> resp.resume());
                }
            }
            attempt.timer().arm(idleMs, AttemptOutcome.Kind.IDLE_TIMEOUT, this::idle);
        });
        resp.exceptionHandler(e -> on.run(this::cut));
        attempt.onConnectionError(this::cut);
        resp.endHandler(v -> on.run(this::upstreamEnded));
        attempt.timer().arm(idleMs, AttemptOutcome.Kind.IDLE_TIMEOUT, this::idle);
        if (limited) {
            maxStreamTimer = vertx.setTimer(Math.max(1, maxStreamLeftMs), id -> on.run(() -> {
                maxStreamTimer = -1;
                end(new End.TooLong());
            }));
        }
        if (tap.brokenBy() != null) { // the error came in the same chunk as the first content
            end(new End.Broken(new AttemptOutcome(AttemptOutcome.Kind.STREAM_ERROR, 0, tap.brokenBy(), Map.of()), false));
        }
    }

    /** The client went away: stop the upstream, report nothing (the exchange already knows). */
    void cancel() {
        ended = true;
        stopTimers();
        attempt.cancel();
    }

    private void upstreamEnded() {
        if (ended) {
            return;
        }
        Buffer rest = tap.onCleanEnd();
        if (rest.length() > 0 && !out.closed()) {
            out.write(rest);
        }
        end(tap.completed() ? new End.Completed()
                : new End.Broken(AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR), tap.sawError()));
    }

    private void idle() {
        end(new End.Broken(AttemptOutcome.of(AttemptOutcome.Kind.IDLE_TIMEOUT), false));
    }

    private void cut() {
        end(new End.Broken(AttemptOutcome.of(AttemptOutcome.Kind.STREAM_ERROR), tap.sawError()));
    }

    /** Reports the end once; for anything but a regular end the upstream is then cancelled (its reset reports nothing more). */
    private void end(End how) {
        if (ended) {
            return;
        }
        ended = true;
        stopTimers();
        onEnd.accept(how);
        if (!(how instanceof End.Completed)) {
            attempt.cancel();
        }
    }

    private void stopTimers() {
        attempt.timer().cancel();
        if (maxStreamTimer >= 0) {
            vertx.cancelTimer(maxStreamTimer);
            maxStreamTimer = -1;
        }
    }
}
