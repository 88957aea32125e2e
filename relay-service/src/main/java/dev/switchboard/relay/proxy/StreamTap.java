package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.translate.Sink;
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
        if (!sawEvent) {
            sawEvent = true;
            firstData = data;
            firstIsError = error;
        }
        if (translator != null) {
            if (!(firstIsError && !errorEvent)) { // a first event that is an error fails over unseen: not translated
                translator.onEvent(event, data, sink);
            }
            errorEvent |= error;
            return;
        }
        errorEvent |= error;
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

    /** The upstream closed cleanly: a translator writes the closing events still missing after a finish. */
    void onCleanEnd() {
        if (translator != null) {
            translator.onEnd(sink);
        }
    }

    /** The protocol's regular end arrived (for a translation: the client's stream was properly ended) and no in-band error came before it. */
    boolean completed() {
        if (translator != null) {
            return translator.complete() && !translator.errored();
        }
        return terminal && !errorEvent;
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
