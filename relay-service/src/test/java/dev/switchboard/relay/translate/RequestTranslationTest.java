package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static dev.switchboard.relay.translate.Golden.reread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RequestTranslationTest {

    private static final RequestSettings TO_CLAUDE = RequestSettings.of("claude-up");
    private static final RequestSettings TO_GPT = RequestSettings.of("gpt-up");

    private static JsonNode toAnthropic(ObjectNode body) {
        return reread(Translator.request(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, body, TO_CLAUDE));
    }

    private static JsonNode toAnthropic(ObjectNode body, RequestSettings s) {
        return reread(Translator.request(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, body, s));
    }

    private static JsonNode toOpenAi(ObjectNode body) {
        return reread(Translator.request(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, body, TO_GPT));
    }

    private static JsonNode toOpenAi(ObjectNode body, RequestSettings s) {
        return reread(Translator.request(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, body, s));
    }

    private static ObjectNode chat(String extra) {
        return json("{'model':'m','messages':[{'role':'user','content':'Hi'}]", extra.isEmpty() ? "" : "," + extra, "}");
    }

    private static ObjectNode messages(String extra) {
        return json("{'model':'m','max_tokens':100,'messages':[{'role':'user','content':'Hi'}]",
                extra.isEmpty() ? "" : "," + extra, "}");
    }

    private static void refusedToAnthropic(ObjectNode body, String param) {
        assertThatThrownBy(() -> Translator.request(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, body, TO_CLAUDE))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param);
                });
    }

    private static void refusedToOpenAi(ObjectNode body, String param) {
        assertThatThrownBy(() -> Translator.request(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, body, TO_GPT))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param);
                });
    }

    @Nested
    class GoldenHistories {

        @Test
        void anOpenAiHistoryWithToolResultsAndImagesBecomesAlternatingAnthropicTurns() {
            String dir = "request/openai-to-anthropic/multi-turn-history-with-tool-results-and-images/";
            assertThat(toAnthropic(json(dir + "client.json"))).isEqualTo(json(dir + "upstream.json"));
        }

        @Test
        void anAnthropicHistoryWithToolResultsAndImagesBecomesOpenAiMessagesWithToolMessagesFirst() {
            String dir = "request/anthropic-to-openai/multi-turn-history-with-tool-results-and-images/";
            assertThat(toOpenAi(json(dir + "client.json"))).isEqualTo(json(dir + "upstream.json"));
        }
    }

    @Nested
    class OpenAiToAnthropic {

        @Test
        void maxTokensDefaultsFromTheSettingsWhenTheClientGaveNone() {
            assertThat(toAnthropic(chat(""), TO_CLAUDE.withDefaultMaxTokens(777)).path("max_tokens").asInt()).isEqualTo(777);
        }

        @Test
        void maxCompletionTokensWinsOverMaxTokens() {
            assertThat(toAnthropic(chat("'max_tokens':10,'max_completion_tokens':20")).path("max_tokens").asInt())
                    .isEqualTo(20);
        }

        @Test
        void aStopStringBecomesOneStopSequence() {
            assertThat(toAnthropic(chat("'stop':'END'")).path("stop_sequences")).isEqualTo(json("{'a':['END']}").get("a"));
        }

        @Test
        void temperatureIsClampedToAnthropicsRange() {
            assertThat(toAnthropic(chat("'temperature':2")).path("temperature").asDouble()).isEqualTo(1.0);
            assertThat(toAnthropic(chat("'temperature':-1")).path("temperature").asDouble()).isEqualTo(0.0);
            assertThat(toAnthropic(chat("'temperature':0.4")).path("temperature").asDouble()).isEqualTo(0.4);
        }

        @Test
        void toolChoicesMapToAutoAnyNoneAndTool() {
            String tools = "'tools':[{'type':'function','function':{'name':'f'}}],";
            assertThat(toAnthropic(chat(tools + "'tool_choice':'auto'")).path("tool_choice"))
                    .isEqualTo(json("{'type':'auto'}"));
            assertThat(toAnthropic(chat(tools + "'tool_choice':'required'")).path("tool_choice"))
                    .isEqualTo(json("{'type':'any'}"));
            assertThat(toAnthropic(chat(tools + "'tool_choice':'none'")).path("tool_choice"))
                    .isEqualTo(json("{'type':'none'}"));
            assertThat(toAnthropic(chat(tools + "'tool_choice':{'type':'function','function':{'name':'f'}}"))
                    .path("tool_choice")).isEqualTo(json("{'type':'tool','name':'f'}"));
        }

        @Test
        void parallelToolCallsFalseDisablesParallelToolUseEvenWithoutAToolChoice() {
            assertThat(toAnthropic(chat("'tools':[{'type':'function','function':{'name':'f'}}],'parallel_tool_calls':false"))
                    .path("tool_choice")).isEqualTo(json("{'type':'auto','disable_parallel_tool_use':true}"));
        }

        @Test
        void userBecomesMetadataUserId() {
            assertThat(toAnthropic(chat("'user':'u-1'")).path("metadata").path("user_id").asText()).isEqualTo("u-1");
        }

        @Test
        void reasoningEffortBecomesAThinkingBudgetOnlyWhenTheModelThinks() {
            ObjectNode body = chat("'reasoning_effort':'medium','max_completion_tokens':20000,'temperature':0.2");
            JsonNode thinking = toAnthropic(body, TO_CLAUDE.withThinking(true));
            assertThat(thinking.path("thinking")).isEqualTo(json("{'type':'enabled','budget_tokens':8192}"));
            assertThat(thinking.has("temperature")).as("Anthropic refuses a temperature with thinking").isFalse();
            JsonNode plain = toAnthropic(body);
            assertThat(plain.has("thinking")).isFalse();
            assertThat(plain.path("temperature").asDouble()).isEqualTo(0.2);
        }

        @Test
        void theThinkingBudgetStaysBelowMaxTokens() {
            JsonNode b = toAnthropic(chat("'reasoning_effort':'high','max_completion_tokens':5000"), TO_CLAUDE.withThinking(true));
            assertThat(b.path("thinking").path("budget_tokens").asInt()).isEqualTo(4999);
        }

        @Test
        void noThinkingWhenTheToolChoiceForcesATool() {
            JsonNode b = toAnthropic(chat("'reasoning_effort':'high','tools':[{'type':'function','function':{'name':'f'}}],"
                    + "'tool_choice':'required'"), TO_CLAUDE.withThinking(true));
            assertThat(b.has("thinking")).isFalse();
        }

        @Test
        void theStreamFlagIsKeptAndStreamOptionsAreNotSent() {
            JsonNode b = toAnthropic(chat("'stream':true,'stream_options':{'include_usage':true}"));
            assertThat(b.path("stream").asBoolean()).isTrue();
            assertThat(b.has("stream_options")).isFalse();
        }

        @Test
        void anAssistantMessageWithOnlyToolCallsHasNoTextBlock() {
            JsonNode b = toAnthropic(json("{'model':'m','messages':[{'role':'user','content':'Hi'},"
                    + "{'role':'assistant','content':null,'tool_calls':[{'id':'c1','type':'function',"
                    + "'function':{'name':'f','arguments':'{}'}}]},{'role':'tool','tool_call_id':'c1','content':'ok'}]}"));
            assertThat(b.path("messages").path(1).path("content"))
                    .isEqualTo(json("{'a':[{'type':'tool_use','id':'c1','name':'f','input':{}}]}").get("a"));
        }

        @Test
        void aTurnLeftEmptyIsSkippedAndItsNeighboursMerged() {
            JsonNode b = toAnthropic(json("{'model':'m','messages':[{'role':'user','content':'Hi'},"
                    + "{'role':'assistant','content':''},{'role':'user','content':'Still there?'}]}"));
            assertThat(b.path("messages")).isEqualTo(json("{'a':[{'role':'user','content':[{'type':'text','text':'Hi'},"
                    + "{'type':'text','text':'Still there?'}]}]}").get("a"));
        }

        @Test
        void aReasoningEffortWithoutABudgetMeansNoThinking() {
            assertThat(toAnthropic(chat("'reasoning_effort':'minimal'"), TO_CLAUDE.withThinking(true)).has("thinking"))
                    .isFalse();
        }

        @Test
        void nAboveOneIsRefused() {
            refusedToAnthropic(chat("'n':2"), "n");
        }

        @Test
        void logprobsAreRefused() {
            refusedToAnthropic(chat("'logprobs':true"), "logprobs");
            refusedToAnthropic(chat("'top_logprobs':3"), "top_logprobs");
        }

        @Test
        void jsonResponseFormatsAreRefused() {
            refusedToAnthropic(chat("'response_format':{'type':'json_object'}"), "response_format");
        }

        @Test
        void audioIsRefused() {
            refusedToAnthropic(chat("'modalities':['text','audio']"), "modalities");
            refusedToAnthropic(chat("'audio':{'voice':'alloy','format':'wav'}"), "audio");
            refusedToAnthropic(json("{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio',"
                    + "'input_audio':{'data':'AAAA','format':'wav'}}]}]}"), "messages[0].content[0]");
        }

        @Test
        void aFileInputIsRefused() {
            refusedToAnthropic(json("{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':'x'},"
                    + "{'type':'file','file':{'file_id':'f1'}}]}]}"), "messages[0].content[1]");
        }

        @Test
        void logitBiasIsRefused() {
            refusedToAnthropic(chat("'logit_bias':{'123':-100}"), "logit_bias");
        }

        @Test
        void unparseableToolArgumentsAreRefusedNamingTheCall() {
            refusedToAnthropic(json("{'model':'m','messages':[{'role':'user','content':'Hi'},"
                    + "{'role':'assistant','content':'','tool_calls':[{'id':'c1','type':'function',"
                    + "'function':{'name':'f','arguments':'{\\\"a\\\":'}}]}]}"),
                    "messages[1].tool_calls[0].function.arguments");
        }

        @Test
        void anImageThatIsNeitherADataUriNorAUrlIsRefused() {
            refusedToAnthropic(json("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                    + "'image_url':{'url':'data:image/png,notbase64'}}]}]}"), "messages[0].content[0].image_url.url");
        }

        @Test
        void legacyFunctionsAreRefused() {
            refusedToAnthropic(chat("'functions':[{'name':'f'}]"), "functions");
        }
    }

    @Nested
    class AnthropicToOpenAi {

        @Test
        void aSystemStringBecomesTheFirstMessage() {
            assertThat(toOpenAi(messages("'system':'Be terse.'")).path("messages").path(0))
                    .isEqualTo(json("{'role':'system','content':'Be terse.'}"));
        }

        @Test
        void streamsAlwaysAskForUsageUnlessTheSettingIsOff() {
            assertThat(toOpenAi(messages("'stream':true")).path("stream_options"))
                    .isEqualTo(json("{'include_usage':true}"));
            assertThat(toOpenAi(messages("'stream':true"), TO_GPT.withStreamUsage(false)).has("stream_options")).isFalse();
            assertThat(toOpenAi(messages("")).has("stream_options")).isFalse();
        }

        @Test
        void maxTokensIsMaxCompletionTokensForAReasoningModel() {
            JsonNode b = toOpenAi(messages("'thinking':{'type':'enabled','budget_tokens':2000}"), TO_GPT.withThinking(true));
            assertThat(b.path("max_completion_tokens").asInt()).isEqualTo(100);
            assertThat(b.has("max_tokens")).isFalse();
            assertThat(b.path("reasoning_effort").asText()).isEqualTo("low");
        }

        @Test
        void thinkingIsDroppedForAModelThatDoesNotReason() {
            JsonNode b = toOpenAi(messages("'thinking':{'type':'enabled','budget_tokens':30000}"));
            assertThat(b.has("reasoning_effort")).isFalse();
            assertThat(b.path("max_tokens").asInt()).isEqualTo(100);
        }

        @Test
        void toolChoiceToolBecomesANamedFunction() {
            JsonNode b = toOpenAi(messages("'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                    + "'tool_choice':{'type':'tool','name':'f'}"));
            assertThat(b.path("tool_choice")).isEqualTo(json("{'type':'function','function':{'name':'f'}}"));
        }

        @Test
        void topKIsDropped() {
            assertThat(toOpenAi(messages("'top_k':5")).has("top_k")).isFalse();
        }

        @Test
        void aDocumentBlockIsRefused() {
            refusedToOpenAi(json("{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'document',"
                    + "'source':{'type':'base64','media_type':'application/pdf','data':'JVBE'}}]}]}"),
                    "messages[0].content[0]");
        }

        @Test
        void anImageInsideAToolResultIsRefused() {
            refusedToOpenAi(json("{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'tool_result',"
                    + "'tool_use_id':'t','content':[{'type':'image','source':{'type':'url','url':'https://x/y.png'}}]}]}]}"),
                    "messages[0].content[0].content[0]");
        }

        @Test
        void aFileImageSourceIsRefused() {
            refusedToOpenAi(json("{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'image',"
                    + "'source':{'type':'file','file_id':'f'}}]}]}"), "messages[0].content[0].source");
        }

        @Test
        void serverToolsAreRefused() {
            refusedToOpenAi(messages("'tools':[{'type':'web_search_20250305','name':'web_search'}]"), "tools[0]");
        }

        @Test
        void mcpServersAreRefused() {
            refusedToOpenAi(messages("'mcp_servers':[{'type':'url','url':'https://mcp','name':'x'}]"), "mcp_servers");
        }
    }

    @Test
    void aSameWireTranslationIsAProgrammingError() {
        assertThatThrownBy(() -> Translator.request(Wire.OPENAI_CHAT, Wire.OPENAI_CHAT, chat(""), TO_GPT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRefusedAndDroppedListsNameFieldsForBothDirections() {
        assertThat(Translator.unsupportedFields(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES)).containsKeys("n", "logprobs");
        assertThat(Translator.unsupportedFields(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT)).containsKey("mcp_servers");
        assertThat(Translator.droppedFields(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES)).containsKey("seed");
        assertThat(Translator.droppedFields(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT)).containsKey("top_k");
    }
}
