package dev.switchboard.relay.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Golden transcripts: an upstream SSE stream fed event by event, compared with the client transcript event by event
 * (JSON structurally), plus the translator's final state. The upstream is closed cleanly ({@code onEnd}) unless its
 * file says {@code : cut}. Each client event is rendered to wire bytes and read back, so the framing is checked too.
 */
class StreamTranscriptTest {

    private static final long CREATED = 1_700_000_000L;

    static StreamTranslator replay(Wire from, Wire to, String dir) {
        Transcript upstream = Transcript.load(dir + "/upstream.sse");
        Transcript expected = Transcript.load(dir + "/client.sse");
        boolean includeUsage = Boolean.parseBoolean(expected.meta().getOrDefault("includeUsage", "false"));
        String id = to == Wire.OPENAI_CHAT ? "chatcmpl-test" : "msg_test";
        StreamTranslator t = Translator.stream(from, to, new StreamSettings("client-model", includeUsage, id, CREATED));
        StringBuilder wire = new StringBuilder();
        List<Transcript.Event> got = new ArrayList<>();
        Sink out = (name, data) -> {
            got.add(new Transcript.Event(name, data));
            wire.append(Sink.render(name, data));
        };
        for (Transcript.Event e : upstream.events()) {
            t.onEvent(from == Wire.OPENAI_CHAT ? null : e.name(), e.data(), out);
        }
        if (!upstream.meta().containsKey("cut")) {
            t.onEnd(out);
        }
        assertThat(comparable(Transcript.parseWire(wire.toString()))).as("rendered wire of " + dir)
                .isEqualTo(comparable(got));
        assertThat(got.stream().map(Transcript.Event::name).toList()).as("event names of " + dir)
                .isEqualTo(expected.events().stream().map(Transcript.Event::name).toList());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).comparable()).as(dir + " event " + i + ": " + got.get(i))
                    .isEqualTo(expected.events().get(i).comparable());
        }
        assertThat(t.complete()).as("complete").isEqualTo(Boolean.parseBoolean(expected.meta().get("complete")));
        assertThat(t.sawFinish()).as("sawFinish").isEqualTo(Boolean.parseBoolean(expected.meta().get("sawFinish")));
        assertThat(t.errored()).as("errored").isEqualTo(Boolean.parseBoolean(expected.meta().get("errored")));
        String[] u = expected.meta().get("usage").split(",");
        assertThat(t.usage()).as("usage").isEqualTo(new Usage(Long.parseLong(u[0]), Long.parseLong(u[1]),
                Long.parseLong(u[2]), Long.parseLong(u[3])));
        return t;
    }

    private static List<Object> comparable(List<Transcript.Event> events) {
        return events.stream().map(e -> (Object) List.of(String.valueOf(e.name()), e.comparable())).toList();
    }

    @Test
    void aClientTranscriptThatDiffersByOneDeltaFailsTheComparison() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> replay(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, "harness/wrong-text"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("event 2");
    }

    @Nested
    class AnthropicUpstreamOpenAiClient {

        private void check(String name) {
            replay(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, "anthropic-to-openai/" + name);
        }

        @Test
        void textOnlyStartsWithTheAssistantRoleAndEndsWithDone() {
            check("text-only");
        }

        @Test
        void thinkingBecomesReasoningContentBeforeTheText() {
            check("thinking-then-text");
        }

        @Test
        void parallelToolCallsAreIndexedFromZeroNotByBlockIndex() {
            check("text-then-two-parallel-tool-calls");
        }

        @Test
        void aToolCallWithoutArgumentsGetsAnEmptyObject() {
            check("tool-call-with-empty-arguments");
        }

        @Test
        void argumentFragmentsAreForwardedOneByOne() {
            check("arguments-split-across-many-fragments");
        }

        @Test
        void theUsageOnlyChunkComesBeforeDoneWhenTheClientAskedForUsage() {
            check("usage-only-final-chunk-when-the-client-asked");
        }

        @Test
        void aCleanCloseAfterTheFinishWritesTheMissingDone() {
            check("upstream-without-message-stop");
        }

        @Test
        void aStreamCutBeforeItsFinishIsNotComplete() {
            check("upstream-cut-mid-stream");
        }

        @Test
        void anErrorEventBecomesTheOpenAiErrorChunkAndEndsTheStream() {
            check("mid-stream-error-event");
        }

        @Test
        void cacheTokensAreAddedToPromptTokensAndReportedAsCached() {
            check("cache-read-and-write-usage");
        }

        @Test
        void aRefusalStopsWithContentFilter() {
            check("refusal");
        }

        @Test
        void aMaxTokensStopIsLength() {
            check("max-tokens-stop");
        }
    }

    @Nested
    class OpenAiUpstreamAnthropicClient {

        private void check(String name) {
            replay(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, "openai-to-anthropic/" + name);
        }

        @Test
        void textOnlyIsOneTextBlockBetweenMessageStartAndMessageStop() {
            check("text-only");
        }

        @Test
        void reasoningContentIsAThinkingBlockBeforeTheTextBlock() {
            check("thinking-then-text");
        }

        @Test
        void reasoningUnderItsOtherNameIsAThinkingBlockToo() {
            check("thinking-under-the-reasoning-name");
        }

        @Test
        void textAndTwoParallelToolCallsAreThreeBlocksWithDenseIndexes() {
            check("text-then-two-parallel-tool-calls");
        }

        @Test
        void twoToolCallsInOneChunkAreTwoBlocks() {
            check("two-parallel-tool-calls-in-one-chunk");
        }

        @Test
        void toolCallsWithoutAnIndexAreToldApartByTheirIds() {
            check("tool-calls-without-index-told-apart-by-id");
        }

        @Test
        void argumentsForAToolCallWhoseBlockWasClosedEndTheStreamWithAnError() {
            check("interleaved-tool-call-fragments-end-the-stream-with-an-error");
        }

        @Test
        void aToolCallWithEmptyArgumentsGetsAnEmptyObject() {
            check("tool-call-with-empty-arguments");
        }

        @Test
        void argumentFragmentsBecomeInputJsonDeltas() {
            check("arguments-split-across-many-fragments");
        }

        @Test
        void aFinishReasonInTheContentChunkClosesTheBlockAfterTheContent() {
            check("finish-reason-in-the-same-chunk-as-content");
        }

        @Test
        void theUsageChunkAfterTheFinishClosesTheMessageExactlyOnce() {
            check("usage-only-final-chunk-closes-the-message-once");
        }

        @Test
        void aCleanCloseAfterTheFinishWritesMessageDeltaAndMessageStop() {
            check("upstream-without-done");
        }

        @Test
        void aStreamCutBeforeItsFinishIsNotComplete() {
            check("upstream-cut-mid-stream");
        }

        @Test
        void doneWithoutAFinishIsNotComplete() {
            check("done-without-a-finish-is-not-complete");
        }

        @Test
        void anErrorChunkBecomesAnAnthropicErrorEventAndEndsTheStream() {
            check("mid-stream-error-event");
        }

        @Test
        void cachedPromptTokensAreSubtractedFromInputTokens() {
            check("cache-read-and-write-usage");
        }

        @Test
        void aRefusalDeltaIsTextAndStopsWithRefusal() {
            check("refusal");
        }

        @Test
        void aContentFilterStopIsRefusal() {
            check("content-filter-stop");
        }

        @Test
        void aLengthStopIsMaxTokens() {
            check("max-tokens-stop");
        }
    }
}
