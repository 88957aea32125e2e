package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorTranslationTest {

    private static JsonNode parse(String s) {
        return Json.parse(s);
    }

    @Test
    void theRelaysOwnErrorsTakeTheClientsShape() {
        assertThat(parse(Translator.error(Wire.OPENAI_CHAT, 404, "model_not_found", "No such model")))
                .isEqualTo(json("{'error':{'message':'No such model','type':'invalid_request_error','param':null,"
                        + "'code':'model_not_found'}}"));
        assertThat(parse(Translator.error(Wire.ANTHROPIC_MESSAGES, 404, "model_not_found", "No such model")))
                .isEqualTo(json("{'type':'error','error':{'type':'not_found_error','message':'No such model',"
                        + "'code':'model_not_found'}}"));
    }

    @Test
    void aRefusedFieldIsNamedInTheOpenAiParam() {
        TranslationException e = TranslationException.unsupported("n", "non-OpenAI");
        JsonNode body = parse(Translator.error(Wire.OPENAI_CHAT, e));
        assertThat(body.path("error").path("param").asText()).isEqualTo("n");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("code").asText()).isEqualTo("unsupported_parameter");
        JsonNode anthropic = parse(Translator.error(Wire.ANTHROPIC_MESSAGES, e));
        assertThat(anthropic.path("type").asText()).isEqualTo("error");
        assertThat(anthropic.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(anthropic.path("error").path("message").asText())
                .isEqualTo("'n' is not supported when the request is served by a non-OpenAI upstream");
        assertThat(anthropic.path("error").path("code").asText()).isEqualTo("unsupported_parameter");
    }

    @Test
    void anthropicStatusesMapToTheirErrorTypes() {
        Map<Integer, String> table = Map.of(400, "invalid_request_error", 401, "authentication_error",
                403, "permission_error", 404, "not_found_error", 413, "request_too_large", 429, "rate_limit_error",
                500, "api_error", 529, "overloaded_error");
        table.forEach((status, type) -> assertThat(parse(Translator.error(Wire.ANTHROPIC_MESSAGES, status, null, "x"))
                .path("error").path("type").asText()).as("status " + status).isEqualTo(type));
    }

    @Test
    void anAnthropicOverloadedAnswerIsA503ForAnOpenAiClient() {
        Translator.TranslatedError e = Translator.upstreamError(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, 529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        assertThat(e.status()).isEqualTo(503);
        assertThat(parse(e.body())).isEqualTo(json("{'error':{'message':'Overloaded','type':'upstream_error',"
                + "'param':null,'code':'overloaded_error'}}"));
    }

    @Test
    void anOpenAi503IsA529OverloadedForAnAnthropicClient() {
        Translator.TranslatedError e = Translator.upstreamError(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, 503,
                "{\"error\":{\"message\":\"Busy\",\"type\":\"server_error\",\"code\":null}}");
        assertThat(e.status()).isEqualTo(529);
        assertThat(parse(e.body())).isEqualTo(json("{'type':'error','error':{'type':'overloaded_error','message':'Busy',"
                + "'code':'server_error'}}"));
    }

    @Test
    void anOpenAiRateLimitKeepsItsStatusAndCode() {
        Translator.TranslatedError e = Translator.upstreamError(Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES, 429,
                "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
        assertThat(e.status()).isEqualTo(429);
        assertThat(parse(e.body())).isEqualTo(json("{'type':'error','error':{'type':'rate_limit_error',"
                + "'message':'Slow down','code':'rate_limit_exceeded'}}"));
    }

    @Test
    void anUpstreamBodyThatIsNotItsErrorShapeGetsAGenericMessage() {
        Translator.TranslatedError e = Translator.upstreamError(Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT, 502,
                "<html>Bad gateway</html>");
        assertThat(e.status()).isEqualTo(502);
        assertThat(parse(e.body()).path("error").path("message").asText()).isEqualTo("upstream error (status 502)");
    }

    @Test
    void theRelaysMidStreamErrorEventHasTheShapeTheRelayWritesToday() {
        List<String> wire = new ArrayList<>();
        Translator.streamError(Wire.OPENAI_CHAT, "upstream_stream_interrupted", "cut", (n, d) -> wire.add(Sink.render(n, d)));
        Translator.streamError(Wire.ANTHROPIC_MESSAGES, "upstream_idle_timeout", "idle", (n, d) -> wire.add(Sink.render(n, d)));
        assertThat(wire.get(0)).isEqualTo("data: {\"error\":{\"message\":\"cut\",\"type\":\"upstream_error\",\"param\":null,"
                + "\"code\":\"upstream_stream_interrupted\"}}\n\n");
        assertThat(wire.get(1)).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"idle\",\"code\":\"upstream_idle_timeout\"}}\n\n");
    }

    @Test
    void aDataLineBreakIsSplitIntoSeveralDataLines() {
        assertThat(Sink.render(null, "a\nb")).isEqualTo("data: a\ndata: b\n\n");
    }
}
