package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Continues a client stream that broke after its first byte on another upstream, so the client sees one stream:
 * same id and model, the text going on where it stopped, one finish, one usage. Built from the upstream events of
 * the broken attempt as they came ({@link Recording}); replaying them through a decoder into the client's encoder
 * (nothing written) leaves that encoder exactly where the client's stream is (the message opened, the text block
 * open at its index), and the continuation's events are then decoded and written through it, its opening
 * suppressed. Only a stream that sent nothing but text can be continued: a tool call or thinking already sent
 * cannot be carried over a prefill ({@link #of} answers null).
 *
 * <p>Two ways to continue ({@link Mode}): the candidate is asked with the text sent as an assistant prefill and its
 * answer is spliced in as it comes; or the request is sent again as it was and spliced in only if the answer begins
 * with exactly the text already sent (that prefix is dropped), else the splice {@link #diverged()} and the client's
 * stream ends with the original failure.
 */
public final class Splice {

    /** How the continuation request was built. */
    public enum Mode { PREFILL, RESTART }

    /** The upstream events of one stream attempt, as (event name, data), bounded in total size. */
    public static final class Recording {
        private final int maxChars;
        private final List<String[]> events = new ArrayList<>();
        private int chars;
        private boolean overflowed;

        public Recording(int maxChars) {
            this.maxChars = maxChars;
        }

        public void add(String event, String data) {
            if (overflowed) {
                return;
            }
            chars += data == null ? 0 : data.length();
            if (chars > maxChars) {
                overflowed = true;
                events.clear();
                return;
            }
            events.add(new String[] {event, data});
        }

        /** More was sent than is kept: the stream cannot be continued. */
        public boolean overflowed() {
            return overflowed;
        }
    }

    private static final Sink DISCARD = (name, data) -> { };

    private final StreamEncoder client;
    private final String sent;
    private final Errors.Neutral original;
    private SpliceEncoder splicer;

    private Splice(StreamEncoder client, String sent, Errors.Neutral original) {
        this.client = client;
        this.sent = sent;
        this.original = original;
    }

    /**
     * The splice of a broken stream, or null when it cannot be continued (a tool call, thinking or a finish went
     * out, nothing was recorded, or the recording overflowed).
     *
     * @param upstream the broken attempt's wire
     * @param clientWire the client's wire
     * @param translated the settings the broken attempt's translation wrote the client's stream with; null when the
     *     client got the upstream's own events (same wire), whose id, created and model are then read from them
     * @param clientModel the model name the client asked for (used when the events carry none)
     * @param includeUsage an OpenAI client asked for the usage chunk
     * @param original the failure the client is told about when the continuation cannot go on
     */
    public static Splice of(Wire upstream, Wire clientWire, Recording rec, StreamSettings translated,
            String clientModel, boolean includeUsage, String originalCode, String originalMessage) {
        if (rec == null || rec.overflowed() || rec.events.isEmpty() || !decodable(upstream)) {
            return null;
        }
        StreamSettings s = translated != null ? translated : seen(upstream, rec.events, clientModel, includeUsage);
        StreamEncoder enc = StreamEncoder.of(clientWire, s);
        Replay replay = new Replay(enc);
        TranslatingStream decoder = decoder(upstream, replay);
        for (String[] e : rec.events) {
            decoder.onEvent(e[0], e[1], DISCARD);
        }
        if (replay.other || decoder.sawFinish() || decoder.errored() || replay.text.isEmpty()) {
            return null;
        }
        return new Splice(enc, replay.text.toString(), new Errors.Neutral(502, originalMessage, originalCode));
    }

    /** The text the client has already received. */
    public String sentText() {
        return sent;
    }

    /**
     * The translator of the continuation attempt's stream (wire {@code upstream}), writing on in the client's
     * stream. One per splice.
     *
     * @param dropPrefix PREFILL: text the prefill left out (trailing whitespace), dropped from the continuation's
     *     start when it begins with it; RESTART: ignored (the whole text sent is the prefix that must match)
     */
    public StreamTranslator continuation(Wire upstream, Mode mode, String dropPrefix) {
        splicer = new SpliceEncoder(client, mode == Mode.RESTART ? sent : dropPrefix == null ? "" : dropPrefix,
                mode == Mode.RESTART, original);
        return new Guarded(decoder(upstream, splicer), splicer);
    }

    /** A RESTART continuation answered other text than the client already has: the original failure was written. */
    public boolean diverged() {
        return splicer != null && splicer.diverged;
    }

    /** Whether a stream of this wire can be read back (a Responses upstream is only ever passed through). */
    public static boolean decodable(Wire upstream) {
        return upstream != Wire.OPENAI_RESPONSES;
    }

    private static TranslatingStream decoder(Wire upstream, StreamEncoder enc) {
        return switch (upstream) {
            case OPENAI_CHAT -> new FromOpenAiStream(enc);
            case ANTHROPIC_MESSAGES -> new FromAnthropicStream(enc);
            case OPENAI_RESPONSES -> throw new IllegalArgumentException("a Responses stream is not decoded");
        };
    }

    /** What the client saw in an untranslated stream: the upstream's id, created and model. */
    private static StreamSettings seen(Wire upstream, List<String[]> events, String clientModel, boolean includeUsage) {
        String id = null;
        String model = null;
        long created = System.currentTimeMillis() / 1000;
        for (String[] e : events) {
            JsonNode d = Json.parse(e[1]);
            if (d == null || !d.isObject()) {
                continue;
            }
            JsonNode head = upstream == Wire.ANTHROPIC_MESSAGES ? d.path("message") : d;
            if (upstream == Wire.ANTHROPIC_MESSAGES && !"message_start".equals(d.path("type").asText())) {
                continue;
            }
            id = Json.text(head.get("id"));
            model = Json.text(head.get("model"));
            if (head.path("created").canConvertToLong()) {
                created = head.path("created").asLong();
            }
            break;
        }
        return new StreamSettings(model == null ? clientModel : model, includeUsage,
                id == null ? "splice" : id, created);
    }

    /** Replays the broken stream into the client's encoder, noting the text and anything that is not text. */
    private static final class Replay extends StreamEncoder {
        private final StreamEncoder enc;
        private final StringBuilder text = new StringBuilder();
        private boolean other;

        Replay(StreamEncoder enc) {
            super(enc.settings);
            this.enc = enc;
        }

        @Override
        void start(Usage usage, Sink out) {
            enc.start(usage, out);
        }

        @Override
        void text(String t, Sink out) {
            text.append(t);
            enc.text(t, out);
        }

        @Override
        void thinking(String t, Sink out) {
            other = true;
        }

        @Override
        void toolStart(int tool, String id, String name, Sink out) {
            other = true;
        }

        @Override
        boolean toolArguments(int tool, String fragment, Sink out) {
            other = true;
            return true;
        }

        @Override
        void finish(StopReason reason, Sink out) {
            other = true;
        }

        @Override
        void close(StopReason reason, Usage usage, Sink out) {
            other = true;
        }

        @Override
        void error(Errors.Neutral error, Sink out) {
            other = true;
        }
    }

    /**
     * Writes the continuation through the client's encoder: no second opening, thinking left out (it would come
     * after text the client already has), the prefix dropped.
     */
    private static final class SpliceEncoder extends StreamEncoder {
        private final StreamEncoder enc;
        private final boolean strict;
        private final Errors.Neutral original;
        private String prefix;
        private boolean diverged;

        SpliceEncoder(StreamEncoder enc, String prefix, boolean strict, Errors.Neutral original) {
            super(enc.settings);
            this.enc = enc;
            this.prefix = prefix;
            this.strict = strict;
            this.original = original;
        }

        @Override
        void start(Usage usage, Sink out) {
            // the client's stream is open already
        }

        @Override
        void text(String t, Sink out) {
            if (diverged) {
                return;
            }
            if (!prefix.isEmpty()) {
                int n = Math.min(prefix.length(), t.length());
                if (!t.regionMatches(0, prefix, 0, n)) {
                    if (strict) {
                        diverge(out);
                        return;
                    }
                    prefix = "";
                } else {
                    prefix = prefix.substring(n);
                    t = t.substring(n);
                }
            }
            if (!t.isEmpty()) {
                enc.text(t, out);
            }
        }

        @Override
        void thinking(String t, Sink out) {
            // cannot follow text the client already has
        }

        @Override
        void toolStart(int tool, String id, String name, Sink out) {
            if (!pending(out)) {
                enc.toolStart(tool, id, name, out);
            }
        }

        @Override
        boolean toolArguments(int tool, String fragment, Sink out) {
            return diverged || enc.toolArguments(tool, fragment, out);
        }

        @Override
        void finish(StopReason reason, Sink out) {
            if (!pending(out)) {
                enc.finish(reason, out);
            }
        }

        @Override
        void close(StopReason reason, Usage usage, Sink out) {
            if (!diverged) {
                enc.close(reason, usage, out);
            }
        }

        @Override
        void error(Errors.Neutral error, Sink out) {
            if (!diverged) {
                enc.error(error, out);
            }
        }

        /** In RESTART, anything but text while part of the prefix is still expected diverges. */
        private boolean pending(Sink out) {
            if (diverged) {
                return true;
            }
            if (strict && !prefix.isEmpty()) {
                diverge(out);
                return true;
            }
            return false;
        }

        private void diverge(Sink out) {
            diverged = true;
            enc.error(original, out);
        }
    }

    /** The continuation's decoder, which counts a divergence as an error (the stream is over). */
    private static final class Guarded implements StreamTranslator {
        private final TranslatingStream decoder;
        private final SpliceEncoder splicer;

        Guarded(TranslatingStream decoder, SpliceEncoder splicer) {
            this.decoder = decoder;
            this.splicer = splicer;
        }

        @Override
        public void onEvent(String event, String data, Sink out) {
            if (!splicer.diverged) {
                decoder.onEvent(event, data, out);
            }
        }

        @Override
        public void onEnd(Sink out) {
            if (!splicer.diverged) {
                decoder.onEnd(out);
            }
        }

        @Override
        public boolean sawFinish() {
            return decoder.sawFinish();
        }

        @Override
        public boolean complete() {
            return !splicer.diverged && decoder.complete();
        }

        @Override
        public boolean errored() {
            return splicer.diverged || decoder.errored();
        }

        @Override
        public long nextSequence() {
            return decoder.nextSequence();
        }

        @Override
        public Usage usage() {
            return decoder.usage();
        }
    }
}
