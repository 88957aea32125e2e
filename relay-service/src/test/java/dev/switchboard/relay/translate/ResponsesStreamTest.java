package dev.switchboard.relay.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden Responses event sequences: the upstream transcripts of the chat ⇄ messages goldens, written for a Responses
 * client ({@code translate/anthropic-to-responses/…}, {@code openai-to-responses/…}), compared event by event, plus
 * the invariants every Responses stream keeps: {@code sequence_number} counts from 0 without a gap, an item's id
 * is the one its {@code output_item.added} announced at that output index, and nothing follows a terminal event.
 */
class ResponsesStreamTest {

    private static final List<String> TERMINAL = List.of("response.completed", "response.incomplete", "response.failed");

    static final StreamSettings SETTINGS = new StreamSettings("client-model", false, "resp_test", 1_700_000_000L,
            Translator.responsesEcho(Golden.json("{'model':'client-model','input':'x'}")));

    private static void replay(Wire from, String upstreamDir, String clientDir) {
        Transcript upstream = Transcript.load(upstreamDir + "/upstream.sse");
        Transcript expected = Transcript.load(clientDir + "/client.sse");
        StreamTranslator t = Translator.stream(from, Wire.OPENAI_RESPONSES, SETTINGS);
        StringBuilder wire = new StringBuilder();
        for (Transcript.Event e : upstream.events()) {
            t.onEvent(from == Wire.OPENAI_CHAT ? null : e.name(), e.data(), (n, d) -> wire.append(Sink.render(n, d)));
        }
        if (!upstream.meta().containsKey("cut")) {
            t.onEnd((n, d) -> wire.append(Sink.render(n, d)));
        }
        List<Transcript.Event> got = Transcript.parseWire(wire.toString());
        assertThat(got.stream().map(Transcript.Event::name).toList()).as("event names of " + clientDir)
                .isEqualTo(expected.events().stream().map(Transcript.Event::name).toList());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).comparable()).as(clientDir + " event " + i).isEqualTo(expected.events().get(i).comparable());
        }
        invariants(got);
        Map<String, String> m = expected.meta();
        assertThat(t.complete()).as("complete").isEqualTo(Boolean.parseBoolean(m.get("complete")));
        assertThat(t.sawFinish()).as("sawFinish").isEqualTo(Boolean.parseBoolean(m.get("sawFinish")));
        assertThat(t.errored()).as("errored").isEqualTo(Boolean.parseBoolean(m.get("errored")));
        assertThat(t.nextSequence()).as("nextSequence").isEqualTo(Long.parseLong(m.get("nextSequence")));
        String[] u = m.get("usage").split(",");
        assertThat(t.usage()).isEqualTo(new Usage(Long.parseLong(u[0]), Long.parseLong(u[1]), Long.parseLong(u[2]),
                Long.parseLong(u[3])));
    }

    static void invariants(List<Transcript.Event> events) {
        Map<Integer, String> idAt = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = (JsonNode) events.get(i).comparable();
            assertThat(e.get("type").asText()).isEqualTo(events.get(i).name());
            assertThat(e.get("sequence_number").asLong()).as("sequence_number of event " + i).isEqualTo(i);
            if (events.get(i).name().equals("response.output_item.added")) {
                String id = e.get("item").get("id").asText();
                assertThat(ids).as("item ids are unique").doesNotContain(id);
                ids.add(id);
                idAt.put(e.get("output_index").asInt(), id);
            } else if (e.has("item_id")) {
                assertThat(e.get("item_id").asText()).isEqualTo(idAt.get(e.get("output_index").asInt()));
            } else if (events.get(i).name().equals("response.output_item.done")) {
                assertThat(e.get("item").get("id").asText()).isEqualTo(idAt.get(e.get("output_index").asInt()));
            }
            if (TERMINAL.contains(events.get(i).name())) {
                assertThat(i).as("nothing after the terminal event").isEqualTo(events.size() - 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text-only", "thinking-then-text", "text-then-two-parallel-tool-calls", "max-tokens-stop",
            "mid-stream-error-event", "upstream-cut-mid-stream", "tool-call-with-empty-arguments"})
    void anAnthropicStreamBecomesTheResponsesEventSequence(String name) {
        replay(Wire.ANTHROPIC_MESSAGES, "anthropic-to-openai/" + name, "anthropic-to-responses/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text-only", "thinking-then-text", "text-then-two-parallel-tool-calls", "max-tokens-stop",
            "mid-stream-error-event", "upstream-cut-mid-stream", "tool-call-with-empty-arguments"})
    void aChatCompletionsStreamBecomesTheResponsesEventSequence(String name) {
        replay(Wire.OPENAI_CHAT, "openai-to-anthropic/" + name, "openai-to-responses/" + name);
    }
}
