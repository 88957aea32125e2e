package dev.switchboard.relay.translate;

/**
 * Where a {@link StreamTranslator} writes client SSE events, in order. {@code name} is null for OpenAI events
 * (data-only); {@code data} is one JSON document or {@code [DONE]}, never containing a line break.
 */
@FunctionalInterface
public interface Sink {

    void event(String name, String data);

    /** The SSE wire text of one event: {@code event: x\ndata: y\n\n}, or {@code data: y\n\n} without a name. */
    static String render(String name, String data) {
        StringBuilder b = new StringBuilder(data.length() + (name == null ? 8 : name.length() + 16));
        if (name != null) {
            b.append("event: ").append(name).append('\n');
        }
        int from = 0;
        int nl;
        while ((nl = data.indexOf('\n', from)) >= 0) { // a line break would end the field: split into data lines
            b.append("data: ").append(data, from, nl).append('\n');
            from = nl + 1;
        }
        return b.append("data: ").append(data, from, data.length()).append("\n\n").toString();
    }
}
