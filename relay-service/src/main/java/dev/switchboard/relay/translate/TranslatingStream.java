package dev.switchboard.relay.translate;

/**
 * The state every translated stream shares — usage so far, finish, completion, error — around one upstream decoder
 * and one client {@link StreamEncoder}. Subclasses parse one upstream dialect and call {@link #finished},
 * {@link #close} and {@link #failed}.
 */
abstract class TranslatingStream implements StreamTranslator {

    protected final StreamEncoder enc;
    protected Usage usage = Usage.NONE;
    private StopReason stop;
    private boolean complete;
    private boolean errored;

    TranslatingStream(StreamEncoder enc) {
        this.enc = enc;
    }

    @Override
    public final void onEvent(String event, String data, Sink out) {
        if (complete || errored) {
            return;
        }
        decode(event, data, out);
    }

    /** One upstream event, while the stream is still open. */
    protected abstract void decode(String event, String data, Sink out);

    @Override
    public final void onEnd(Sink out) {
        if (!complete && !errored && stop != null) {
            close(out); // finish and usage came, only the terminator was missing
        }
    }

    protected final void finished(StopReason reason, Sink out) {
        if (stop == null) {
            stop = reason;
            enc.finish(reason, out);
        }
    }

    /** Writes the client's closing events; only after a finish. */
    protected final void close(Sink out) {
        if (stop != null && !complete) {
            complete = true;
            enc.close(stop, usage, out);
        }
    }

    protected final void failed(Errors.Neutral error, Sink out) {
        errored = true;
        enc.error(error, out);
    }

    @Override
    public final boolean sawFinish() {
        return stop != null;
    }

    @Override
    public final boolean complete() {
        return complete;
    }

    @Override
    public final boolean errored() {
        return errored;
    }

    @Override
    public final long nextSequence() {
        return enc.nextSequence();
    }

    @Override
    public final Usage usage() {
        return usage;
    }
}
