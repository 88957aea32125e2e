package dev.switchboard.relay.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A golden SSE transcript from {@code src/test/resources/translate/…}: its events, and the {@code : key=value}
 * comment lines before the first event (expected translator state, or {@code : cut} for an upstream that breaks
 * instead of closing cleanly). Data that is JSON is compared as a tree, so key order and spacing do not matter.
 */
record Transcript(List<Event> events, Map<String, String> meta) {

    static final ObjectMapper JSON = new ObjectMapper();

    record Event(String name, String data) {

        /** The data as a tree when it is JSON, else the text: what equality compares. */
        Object comparable() {
            try {
                JsonNode n = JSON.readTree(data);
                return n == null ? data : n;
            } catch (IOException e) {
                return data;
            }
        }

        @Override
        public String toString() {
            return (name == null ? "" : "event: " + name + "\n") + "data: " + data;
        }
    }

    static Transcript load(String resource) {
        try (InputStream in = Transcript.class.getResourceAsStream("/translate/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal SSE reader: blank lines end events, {@code :} lines are comments (meta before the first event). */
    static Transcript parse(String text) {
        List<Event> events = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        String name = null;
        StringBuilder data = null;
        for (String line : (text + "\n").split("\r?\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith(":")) {
                String m = line.substring(1).strip();
                int eq = m.indexOf('=');
                meta.put(eq < 0 ? m : m.substring(0, eq), eq < 0 ? "" : m.substring(eq + 1));
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String v = line.substring(5);
                v = v.startsWith(" ") ? v.substring(1) : v;
                data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
            }
        }
        return new Transcript(events, meta);
    }

    /** Parses rendered SSE wire text (what {@link Sink#render} produced) back into events. */
    static List<Event> parseWire(String wire) {
        return parse(wire).events();
    }
}
