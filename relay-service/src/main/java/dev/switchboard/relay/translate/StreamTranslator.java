package dev.switchboard.relay.translate;

/**
 * Translates one upstream SSE stream into the client's dialect, event by event (never buffering the stream). One
 * instance per upstream attempt, used from one thread (the hop's event loop); not thread-safe.
 *
 * <p>Lifecycle: {@link #onEvent} per parsed upstream event; {@link #onEnd} when the upstream closed cleanly. After
 * that the hop checks {@link #complete()}: true means the client stream was properly terminated by what was written
 * ({@code [DONE]} / {@code message_stop}); false means it was cut (no finish seen) and the hop must end it with its
 * own error event — unless {@link #errored()}, in which case the translated upstream error event was already written
 * and the stream must simply be closed. Events after completion or an error are ignored.
 */
public interface StreamTranslator {

    /**
     * One complete upstream SSE event.
     *
     * @param event the {@code event:} name, null when absent (OpenAI)
     * @param data the joined {@code data:} lines, raw ({@code [DONE]} included)
     */
    void onEvent(String event, String data, Sink out);

    /** The upstream closed cleanly: writes the closing events still missing when a finish was already seen. */
    void onEnd(Sink out);

    /** A finish was seen: OpenAI {@code finish_reason}, Anthropic {@code message_delta.stop_reason}. */
    boolean sawFinish();

    /** The client stream is properly terminated ({@code [DONE]} / {@code message_stop} written). */
    boolean complete();

    /** An upstream error event was seen and its translation written; the stream is over. */
    boolean errored();

    /**
     * The number the client's next event gets on a wire that numbers its events (Responses {@code sequence_number}),
     * for the hop's own error event that ends a cut stream; -1 on the other wires.
     */
    default long nextSequence() {
        return -1;
    }

    /** Token usage seen so far, in neutral form (what the client is shown, and what must be costed). */
    Usage usage();
}
