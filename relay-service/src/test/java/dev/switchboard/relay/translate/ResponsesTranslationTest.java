package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static dev.switchboard.relay.translate.Golden.reread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Responses requests into chat completions and messages, whole answers back, and what is refused. */
class ResponsesTranslationTest {

    private static final RequestSettings TO_GPT = RequestSettings.of("gpt-up");
    private static final RequestSettings TO_CLAUDE = RequestSettings.of("claude-up");

    private static ObjectNode responses(String extra) {
        return json("{'model':'m','input':'Hi'", extra.isEmpty() ? "" : "," + extra, "}");
    }

    private static void refused(Wire to, ObjectNode body, String param) {
        assertThatThrownBy(() -> Translator.request(Wire.OPENAI_RESPONSES, to, body, to == Wire.OPENAI_CHAT ? TO_GPT : TO_CLAUDE))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param);
                });
    }

    @Test
    void aHistoryWithToolsAnImageAndStructuredOutputBecomesAChatRequest() {
        String dir = "request/responses-to-openai/history-with-tools-image-and-structured-output/";
        assertThat(reread(Translator.request(Wire.OPENAI_RESPONSES, Wire.OPENAI_CHAT, json(dir + "client.json"), TO_GPT)))
                .isEqualTo(json(dir + "upstream.json"));
    }

    @Test
    void theSameHistoryBecomesAlternatingAnthropicTurnsWithTheFunctionCallAsToolUse() {
        String dir = "request/responses-to-anthropic/history-with-tools-and-image/";
        assertThat(reread(Translator.request(Wire.OPENAI_RESPONSES, Wire.ANTHROPIC_MESSAGES, json(dir + "client.json"), TO_CLAUDE)))
                .isEqualTo(json(dir + "upstream.json"));
    }

    @Test
    void aStringInputIsOneUserTurnAndMaxOutputTokensIsMaxTokens() {
        JsonNode up = Translator.request(Wire.OPENAI_RESPONSES, Wire.OPENAI_CHAT, responses("'max_output_tokens':16"), TO_GPT);
        assertThat(reread(up)).isEqualTo(json("{'model':'gpt-up','messages':[{'role':'user','content':'Hi'}],'max_tokens':16}"));
    }

    @Test
    void structuredOutputTowardsAnthropicIsRefusedNamingTextFormat() {
        refused(Wire.ANTHROPIC_MESSAGES, responses("'text':{'format':{'type':'json_schema','name':'a','schema':{}}}"), "text.format");
        assertThat(Translator.request(Wire.OPENAI_RESPONSES, Wire.ANTHROPIC_MESSAGES,
                responses("'text':{'format':{'type':'text'}}"), TO_CLAUDE).has("messages")).isTrue();
    }

    @Test
    void builtInToolsFileInputsAndHostedToolChoicesAreRefusedOnATranslation() {
        refused(Wire.OPENAI_CHAT, responses("'tools':[{'type':'web_search'}]"), "tools[0].type");
        refused(Wire.OPENAI_CHAT, json("{'model':'m','input':[{'role':'user','content':[{'type':'input_file','file_id':'f'}]}]}"),
                "input[0].content[0]");
        refused(Wire.OPENAI_CHAT, json("{'model':'m','input':[{'type':'web_search_call','id':'ws'}]}"), "input[0].type");
        refused(Wire.ANTHROPIC_MESSAGES, responses("'tool_choice':{'type':'file_search'}"), "tool_choice");
    }

    @Test
    void storedStateIsRefusedBeforeAnyCandidateSayingTheGatewayIsStateless() {
        for (String[] c : new String[][] {{"'previous_response_id':'resp_1'", "previous_response_id"},
                {"'conversation':'conv_1'", "conversation"}, {"'background':true", "background"}}) {
            assertThatThrownBy(() -> Translator.checkResponsesRequest(responses(c[0])))
                    .isInstanceOfSatisfying(TranslationException.class, e -> {
                        assertThat(e.param()).isEqualTo(c[1]);
                        assertThat(e.getMessage()).contains("stateless");
                    });
        }
        assertThatThrownBy(() -> Translator.checkResponsesRequest(json("{'model':'m','input':[{'type':'item_reference','id':'x'}]}")))
                .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo("input[0]"));
    }

    @Test
    void malformedInputIsRefusedNamingTheField() {
        String[][] cases = {{"{'model':'m'}", "input"}, {"{'model':'m','input':7}", "input"},
                {"{'model':'m','input':[{'type':'bogus'}]}", "input[0].type"},
                {"{'model':'m','input':[{'role':'tool','content':'x'}]}", "input[0].role"},
                {"{'model':'m','input':[{'role':'user','content':[{'type':'image'}]}]}", "input[0].content[0].type"},
                {"{'model':'m','input':'x','tools':[{'type':'function'}]}", "tools[0].name"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> Translator.checkResponsesRequest(json(c[0])))
                    .isInstanceOfSatisfying(TranslationException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).as(c[0]).isEqualTo(c[1]);
                    });
        }
        Translator.checkResponsesRequest(json("{'model':'m','store':true,'input':[{'type':'web_search_call','id':'w'}]}"));
    }

    @Test
    void aFunctionCallWithArgumentsThatAreNotAnObjectIsRefused() {
        refused(Wire.OPENAI_CHAT, json("{'model':'m','input':[{'type':'function_call','call_id':'c','name':'f','arguments':'[1]'}]}"),
                "input[0].arguments");
    }

    @Test
    void wholeAnswersBecomeResponseObjectsWithItemsUsageAndTheEchoedSettings() {
        StreamSettings s = ResponsesStreamTest.SETTINGS;
        for (String[] g : new String[][] {
                {"anthropic-to-openai/thinking-text-tool-use-and-cache-usage", "ANTHROPIC_MESSAGES", "anthropic-to-responses/thinking-text-tool-use-and-cache-usage"},
                {"anthropic-to-openai/max-tokens-stop", "ANTHROPIC_MESSAGES", "anthropic-to-responses/max-tokens-stop"},
                {"openai-to-anthropic/reasoning-text-two-tool-calls-and-cached-usage", "OPENAI_CHAT", "openai-to-responses/reasoning-text-two-tool-calls-and-cached-usage"},
                {"openai-to-anthropic/refusal", "OPENAI_CHAT", "openai-to-responses/refusal"}}) {
            JsonNode got = reread(Translator.responsesAnswer(Wire.valueOf(g[1]), json("response/" + g[0] + "/upstream.json"), s));
            assertThat(got).as(g[2]).isEqualTo(json("response/" + g[2] + "/client.json"));
        }
    }

    @Test
    void theEchoRepeatsTheClientsSettingsAndSaysNothingIsStored() {
        ObjectNode echo = Translator.responsesEcho(responses(
                "'store':true,'temperature':0.3,'metadata':{'a':'b'},'max_output_tokens':9,'reasoning':{'effort':'high'}"));
        assertThat(echo.get("store").asBoolean()).isFalse();
        assertThat(echo.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(echo.get("metadata").get("a").asText()).isEqualTo("b");
        assertThat(echo.get("max_output_tokens").asInt()).isEqualTo(9);
        assertThat(echo.get("reasoning").get("effort").asText()).isEqualTo("high");
        assertThat(echo.get("tool_choice").asText()).isEqualTo("auto");
    }
}
