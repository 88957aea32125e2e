package dev.switchboard.relay.upstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Incremental Server-Sent Events scanner: fed the upstream's raw chunks as they arrive, calls back
 * once per complete event with its {@code event:} name (null when absent) and joined {@code data:}
 * lines. The raw bytes are forwarded untouched by the caller; this only watches them.
 */
public final class SseScanner {

    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final BiConsumer<String, String> onEvent;
    private final StringBuilder line = new StringBuilder();
    private String event;
    private StringBuilder data;
    private int pendingBytes;
    private boolean lastWasCr;
    private long events;

    public SseScanner(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    /** Feeds one chunk; returns the number of complete events seen so far. */
    public long feed(Buffer chunk) {
        String text = chunk.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                endLine();
            } else if (pendingBytes < MAX_EVENT_BYTES) {
                line.append(c);
                pendingBytes++;
            }
        }
        return events;
    }

    public long events() {
        return events;
    }

    private void endLine() {
        if (line.isEmpty()) {
            if (data != null || event != null) {
                events++;
                String d = data == null ? "" : data.toString();
                String e = event;
                event = null;
                data = null;
                pendingBytes = 0;
                onEvent.accept(e, d);
            }
            return;
        }
        String l = line.toString();
        line.setLength(0);
        if (l.startsWith(":")) {
            return;
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
    }
}
