package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.translate.Sink;
import dev.switchboard.relay.translate.Splice;
import dev.switchboard.relay.translate.StreamTranslator;
import dev.switchboard.relay.translate.Usage;
import dev.switchboard.relay.upstream.SseScanner;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Watches one upstream stream event by event, in the upstream's dialect: the first event, the regular
 * end, in-band errors and the usage. In {@link Feed#RAW} the client gets the upstream's chunks as they
 * came and the tap only watches (the measured fast path: no per-event copy); in {@link Feed#FILTERED}
 * it keeps each event's raw bytes for the client except the usage-only chunk the client did not ask for;
 * in {@link Feed#TRANSLATED} each upstream event goes through the attempt's {@link StreamTranslator} and
 * the client gets what it writes, in the client's dialect.
 */
final class StreamTap implements SseScanner.Listener {

    enum Feed { RAW, FILTERED, TRANSLATED }

    private final Dialect upstream;
    private final Feed feed;
    private final StreamTranslator translator;
    private final Sink sink = this::keep;
    private final TokenCount tokens = new TokenCount();
    private Buffer kept;
    private boolean sawEvent;
    private boolean firstIsError;
    private String firstData;
    private boolean terminal;
    private boolean errorEvent;
    private boolean sawContent;
    private boolean malformed;
    private boolean finished;
    private Splice.Recording recording;
    private SseScanner scanner;
    /** RAW: byte ranges of the chunk being fed that are cut out before it is forwarded (start, end pairs). */
    private int[] cuts = new int[4];
    private int cutCount;
    private int droppedMalformed;
    private String brokenBy;
    /** The highest event number seen on an upstream that numbers its events (Responses), -1 otherwise. */
    private long lastSequence = -1;

    /** @param translator for {@link Feed#TRANSLATED}, else null */
    StreamTap(Dialect upstream, Feed feed, StreamTranslator translator) {
        this.upstream = upstream;
        this.feed = feed;
        this.translator = translator;
        this.kept = feed == Feed.RAW ? null : Buffer.buffer();
    }

    private void keep(String name, String data) {
        kept.appendString(Sink.render(name, data));
    }

    /** Keeps the upstream's events (bounded) so a stream that breaks after the commit can be continued. */
    void record(Splice.Recording r) {
        recording = r;
    }

    Splice.Recording recording() {
        return recording;
    }

    /** The scanner that feeds this tap: where each event lies in the chunk (RAW cuts). */
    void attach(SseScanner s) {
        scanner = s;
    }

    /** Whether the scanner must hand over each event's raw bytes. */
    boolean needsRaw() {
        return feed == Feed.FILTERED;
    }

    /** Whether the client gets {@link #drain()} instead of the upstream's chunks. */
    boolean rewrites() {
        return feed != Feed.RAW;
    }

    @Override
    public void onEvent(String event, String data, Buffer raw) {
        boolean error = upstream.isError(event, data);
        if (sawContent && !terminal && (error || !looksLikeJson(data)) && dropped(error, data)) {
            return;
        }
        if (recording != null) {
            recording.add(event, data);
        }
        if (!sawEvent) {
            sawEvent = true;
            firstData = data;
            firstIsError = error;
        }
        if (!sawContent) { // before the commit: only content commits, and an unreadable event fails over
            malformed |= !error && !isJsonOrSentinel(data);
            sawContent = upstream.isContent(event, data);
        }
        finished |= upstream.isFinish(event, data);
        if (translator != null) {
            if (!(firstIsError && !errorEvent)) { // a first event that is an error fails over unseen: not translated
                translator.onEvent(event, data, sink);
            }
            errorEvent |= error;
            return;
        }
        errorEvent |= error;
        lastSequence = Math.max(lastSequence, upstream.sequenceOf(data));
        if (upstream.isTerminal(event, data)) {
            terminal = true;
        }
        JsonNode doc = data != null && hasUsageObject(data) ? parse(data) : null;
        JsonNode usage = upstream.usageOf(doc);
        if (usage != null) {
            upstream.readUsage(usage, tokens);
        }
        if (kept != null && raw != null && !(usage != null && upstream.isUsageOnly(doc))) {
            kept.appendBuffer(raw);
        }
    }

    /**
     * After the commit an unreadable event or an in-band error is not forwarded: the first is dropped and
     * counted (the stream goes on), the second breaks the stream so it can be continued. In RAW the event is
     * cut out of its chunk; one that began in an earlier chunk, already partly forwarded, cannot be: it goes on
     * as it came (false).
     */
    private boolean dropped(boolean error, String data) {
        if (feed == Feed.RAW) {
            int start = scanner == null ? -1 : scanner.eventStart();
            if (start < 0) {
                return false;
            }
            if (cutCount * 2 == cuts.length) {
                cuts = java.util.Arrays.copyOf(cuts, cuts.length * 2);
            }
            cuts[cutCount * 2] = start;
            cuts[cutCount * 2 + 1] = scanner.eventEnd();
            cutCount++;
        }
        if (error) {
            brokenBy = brokenBy == null ? data : brokenBy;
        } else {
            droppedMalformed++;
        }
        return true;
    }

    /** RAW: the chunk just fed, without the events {@link #dropped} cut out (the chunk itself when none was). */
    Buffer cut(Buffer chunk) {
        if (cutCount == 0) {
            return chunk;
        }
        Buffer out = Buffer.buffer(chunk.length());
        int from = 0;
        for (int i = 0; i < cutCount; i++) {
            out.appendBuffer(chunk, from, cuts[i * 2] - from);
            from = cuts[i * 2 + 1];
        }
        out.appendBuffer(chunk, from, chunk.length() - from);
        cutCount = 0;
        return out;
    }

    /** An in-band error event came after the commit and was held back: its data (the stream is over). */
    String brokenBy() {
        return brokenBy;
    }

    /** Unreadable events dropped after the commit. */
    int droppedMalformed() {
        return droppedMalformed;
    }

    /** A cheap shape check for events after the commit (a full parse of each would cost the fast path). */
    private static boolean looksLikeJson(String data) {
        if (data == null || data.isEmpty()) {
            return true;
        }
        String d = data.strip();
        return d.startsWith("{") && d.endsWith("}") || "[DONE]".equals(d);
    }

    /** FILTERED, TRANSLATED: the client bytes gathered since the last call; RAW: empty (the caller forwards the chunk). */
    Buffer drain() {
        if (kept == null || kept.length() == 0) {
            return Buffer.buffer(0);
        }
        Buffer b = kept;
        kept = Buffer.buffer();
        return b;
    }

    boolean sawEvent() {
        return sawEvent;
    }

    boolean firstIsError() {
        return firstIsError;
    }

    String firstData() {
        return firstData;
    }

    /**
     * The upstream closed cleanly. An answer that finished (a finish or stop reason went through) but lost its
     * sentinel is complete: the missing closing events are returned for the client (a translator writes its
     * own), and {@link #completed()} turns true. Without a finish it stays a cut.
     */
    Buffer onCleanEnd() {
        if (translator != null) {
            translator.onEnd(sink);
            return drain();
        }
        if (!terminal && finished && !errorEvent) {
            terminal = true;
            return upstream.sentinel();
        }
        return Buffer.buffer(0);
    }

    /** A content-bearing event (text, thinking, a tool call, a finish) went through: the stream may be committed. */
    boolean sawContent() {
        return sawContent;
    }

    /** An event before the first content was not JSON: the upstream is failed over before the commit. */
    boolean malformed() {
        return malformed;
    }

    private static boolean isJsonOrSentinel(String data) {
        if (data == null || data.isEmpty() || "[DONE]".equals(data)) {
            return true;
        }
        try {
            Dialect.JSON.readTree(data);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The protocol's regular end arrived (for a translation: the client's stream was properly ended) and no in-band error came before it. */
    boolean completed() {
        if (translator != null) {
            return translator.complete() && !translator.errored();
        }
        return terminal && !errorEvent;
    }

    /** The number the client's next event gets on a dialect that numbers its events (Responses), for the hop's own error event. */
    long nextSequence() {
        return translator != null ? translator.nextSequence() : lastSequence + 1;
    }

    /** An in-band error event went through (and was forwarded as it came). */
    boolean sawError() {
        return errorEvent;
    }

    /** The usage as the client sees it. */
    TokenCount tokens() {
        if (translator != null) {
            Usage u = translator.usage();
            tokens.set(u.promptTokensOpenAi(), u.outputTokens());
        }
        return tokens;
    }

    /** Whether the text has a {@code "usage"} member whose value is an object (not the {@code "usage":null} of every chunk). */
    static boolean hasUsageObject(String data) {
        int i = data.indexOf("\"usage\"");
        while (i >= 0) {
            int j = i + 7;
            while (j < data.length() && Character.isWhitespace(data.charAt(j))) {
                j++;
            }
            if (j < data.length() && data.charAt(j) == ':') {
                j++;
                while (j < data.length() && Character.isWhitespace(data.charAt(j))) {
                    j++;
                }
                if (j < data.length() && data.charAt(j) == '{') {
                    return true;
                }
            }
            i = data.indexOf("\"usage\"", i + 7);
        }
        return false;
    }

    private static JsonNode parse(String json) {
        try {
            return Dialect.JSON.readTree(json);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
