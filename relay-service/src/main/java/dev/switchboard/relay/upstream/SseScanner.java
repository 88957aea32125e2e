package dev.switchboard.relay.upstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Incremental Server-Sent Events scanner: fed the upstream's raw chunks as they arrive, calls back
 * once per complete event with its {@code event:} name (null when absent) and joined {@code data:}
 * lines. Scans bytes (CR and LF never occur inside a UTF-8 sequence), so a character split across two
 * chunks is decoded whole. Normally the caller forwards the raw chunks untouched and this only watches
 * them; in capturing mode each event also gets its exact raw bytes (comments and line endings
 * included), so a caller can forward event by event and leave one out. In either mode, during the
 * callback {@link #eventStart()} and {@link #eventEnd()} say where the event lies in the chunk being
 * fed, so a caller forwarding whole chunks can still cut one event out.
 */
public final class SseScanner {

    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    /** One complete event; {@code raw} is its bytes as received, null unless capturing. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String event, String data, Buffer raw);
    }

    private final Listener listener;
    private final boolean capture;
    private byte[] line = new byte[256];
    private int lineLength;
    private String event;
    private StringBuilder data;
    private int pendingBytes;
    private boolean lastWasCr;
    private long events;
    /** Capturing: raw bytes of the event in progress that came in earlier chunks. */
    private Buffer carry;
    /** Offset in the current chunk where the bytes of the next event begin; -1: it began in an earlier chunk. */
    private int boundary;
    private int eventStart;
    private int eventEnd;

    public SseScanner(BiConsumer<String, String> onEvent) {
        this((e, d, raw) -> onEvent.accept(e, d), false);
    }

    /** @param capture hand each event its raw bytes */
    public SseScanner(Listener listener, boolean capture) {
        this.listener = listener;
        this.capture = capture;
    }

    /** Feeds one chunk; returns the number of complete events seen so far. */
    public long feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        int segment = 0; // capturing: start of the bytes not yet handed to an event
        boundary = lineLength > 0 || data != null || event != null ? -1 : 0;
        for (int i = 0; i < bytes.length; i++) {
            byte c = bytes[i];
            if (c == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                int end = i + 1;
                if (c == '\r' && end < bytes.length && bytes[end] == '\n') {
                    end++; // keep a CRLF together in the raw bytes
                }
                if (endLine(bytes, segment, end)) {
                    segment = end;
                }
                if (lineLength == 0 && data == null && event == null) {
                    boundary = end; // between events: what follows belongs to the next one
                }
            } else if (pendingBytes < MAX_EVENT_BYTES) {
                if (lineLength == line.length) {
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = c;
                pendingBytes++;
            }
        }
        if (capture && segment < bytes.length) {
            if (carry == null) {
                carry = Buffer.buffer();
            }
            carry.appendBytes(bytes, segment, bytes.length - segment);
        }
        return events;
    }

    public long events() {
        return events;
    }

    /** During the callback: offset in the chunk being fed where the event's bytes begin; -1 when in an earlier chunk. */
    public int eventStart() {
        return eventStart;
    }

    /** During the callback: offset in the chunk being fed just past the event's last byte. */
    public int eventEnd() {
        return eventEnd;
    }

    /** @return true when the line completed an event (its raw bytes, up to {@code end}, were handed over) */
    private boolean endLine(byte[] bytes, int segment, int end) {
        if (lineLength == 0) {
            if (data != null || event != null) {
                events++;
                String d = data == null ? "" : data.toString();
                String e = event;
                event = null;
                data = null;
                pendingBytes = 0;
                eventStart = boundary;
                eventEnd = end;
                Buffer raw = null;
                if (capture) {
                    raw = carry == null ? Buffer.buffer(end - segment) : carry;
                    carry = null;
                    raw.appendBytes(bytes, segment, end - segment);
                }
                listener.onEvent(e, d, raw);
                return capture;
            }
            return false;
        }
        String l = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (l.startsWith(":")) {
            return false;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if ("data".equals(field)) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if ("event".equals(field)) {
            event = value;
        }
        return false;
    }
}
