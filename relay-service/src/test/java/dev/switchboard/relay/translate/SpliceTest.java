package dev.switchboard.relay.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The splice of a broken stream: what the client has, and how the continuation's events are written on. */
class SpliceTest {

    private static final String ID = "chatcmpl-up-1";

    private static String chunk(String content, String finish) {
        return "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"gpt-up\","
                + "\"choices\":[{\"index\":0,\"delta\":{" + (content == null ? "" : "\"content\":\"" + content + "\"")
                + "},\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static Splice.Recording recorded(String... data) {
        Splice.Recording r = new Splice.Recording(10_000);
        for (String d : data) {
            r.add(null, d);
        }
        return r;
    }

    private static Splice brokenOpenAi() {
        return Splice.of(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, recorded(chunk("", null), chunk("Hello", null),
                chunk(" wor", null)), null, "client-model", false, "upstream_stream_interrupted", "cut");
    }

    private static List<String> feed(StreamTranslator t, String... data) {
        List<String> out = new ArrayList<>();
        for (String d : data) {
            t.onEvent(null, d, (name, json) -> out.add(json));
        }
        return out;
    }

    private static String text(List<String> out) {
        StringBuilder b = new StringBuilder();
        for (String o : out) {
            JsonNodes.content(o, b);
        }
        return b.toString();
    }

    /** Reads choices[0].delta.content of an OpenAI chunk. */
    private static final class JsonNodes {
        static void content(String json, StringBuilder into) {
            var d = Json.parse(json);
            if (d != null) {
                into.append(d.path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
    }

    @Test
    void theClientsTextAndIdAreReadFromTheUpstreamEventsItGot() {
        Splice s = brokenOpenAi();
        assertThat(s.sentText()).isEqualTo("Hello wor");
        List<String> out = feed(s.continuation(Wire.OPENAI_CHAT, Splice.Mode.PREFILL, ""),
                chunk("", null), chunk("ld", null), chunk(null, "stop"), "[DONE]");
        assertThat(text(out)).isEqualTo("ld");
        assertThat(out).allSatisfy(o -> assertThat(o).doesNotContain("\"role\""));
        assertThat(out.stream().filter(o -> !o.equals("[DONE]"))).allSatisfy(o -> assertThat(o).contains(ID)
                .contains("\"model\":\"gpt-up\"").contains("\"created\":7"));
        assertThat(out.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void aRestartIsSplicedAfterExactlyTheTextSent() {
        Splice s = brokenOpenAi();
        StreamTranslator t = s.continuation(Wire.OPENAI_CHAT, Splice.Mode.RESTART, null);
        List<String> out = feed(t, chunk("", null), chunk("Hel", null), chunk("lo", null), chunk(" world", null),
                chunk(null, "stop"), "[DONE]");
        assertThat(text(out)).isEqualTo("ld");
        assertThat(t.complete()).isTrue();
        assertThat(s.diverged()).isFalse();
    }

    @Test
    void aRestartThatAnswersOtherTextDivergesWithTheOriginalFailure() {
        Splice s = brokenOpenAi();
        StreamTranslator t = s.continuation(Wire.OPENAI_CHAT, Splice.Mode.RESTART, null);
        List<String> out = feed(t, chunk("Hello", null), chunk(" there", null), chunk(" friend", null));
        assertThat(s.diverged()).isTrue();
        assertThat(t.errored()).isTrue();
        assertThat(t.complete()).isFalse();
        assertThat(out).hasSize(1);
        assertThat(out.getFirst()).contains("upstream_stream_interrupted").doesNotContain("there");
    }

    @Test
    void aRestartThatFinishesBeforeTheTextSentDiverges() {
        Splice s = brokenOpenAi();
        StreamTranslator t = s.continuation(Wire.OPENAI_CHAT, Splice.Mode.RESTART, null);
        feed(t, chunk("Hello", null), chunk(null, "stop"), "[DONE]");
        assertThat(s.diverged()).isTrue();
    }

    @Test
    void thePrefillsLeftOutWhitespaceIsDroppedOnceWhenTheContinuationRepeatsIt() {
        Splice s = Splice.of(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, recorded(chunk("Hello", null), chunk(" ", null)),
                null, "m", false, "upstream_stream_interrupted", "cut");
        assertThat(s.sentText()).isEqualTo("Hello ");
        List<String> out = feed(s.continuation(Wire.OPENAI_CHAT, Splice.Mode.PREFILL, " "),
                chunk(" world", null), chunk(null, "stop"), "[DONE]");
        assertThat(text(out)).isEqualTo("world");
    }

    @Test
    void anAnthropicContinuationOfAnOpenAiClientStaysInTheOpenAiShape() {
        Splice s = brokenOpenAi();
        List<String> out = new ArrayList<>();
        StreamTranslator t = s.continuation(Wire.ANTHROPIC_MESSAGES, Splice.Mode.PREFILL, "");
        Sink sink = (name, json) -> out.add(json);
        t.onEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_x\",\"model\":\"claude\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}", sink);
        t.onEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}", sink);
        t.onEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"ld\"}}", sink);
        t.onEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":2}}", sink);
        t.onEvent("message_stop", "{\"type\":\"message_stop\"}", sink);
        assertThat(text(out)).isEqualTo("ld");
        assertThat(out).noneMatch(o -> o.contains("msg_x") || o.contains("\"role\""));
        assertThat(out.getLast()).isEqualTo("[DONE]");
        assertThat(t.complete()).isTrue();
        assertThat(t.usage().inputTokens()).isEqualTo(5);
    }

    @Test
    void aStreamThatSentAToolCallOrAFinishOrOverflowedIsNotContinued() {
        String tool = "{\"id\":\"" + ID + "\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}";
        assertThat(Splice.of(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, recorded(chunk("Hi", null), tool), null, "m",
                false, "c", "m")).isNull();
        assertThat(Splice.of(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, recorded(chunk("Hi", null), chunk(null, "stop")),
                null, "m", false, "c", "m")).isNull();
        Splice.Recording small = new Splice.Recording(20);
        small.add(null, chunk("Hi", null));
        assertThat(small.overflowed()).isTrue();
        assertThat(Splice.of(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, small, null, "m", false, "c", "m")).isNull();
    }
}
