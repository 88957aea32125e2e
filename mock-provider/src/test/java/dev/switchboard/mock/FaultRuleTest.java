package dev.switchboard.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static dev.switchboard.mock.MockClient.chat;
import static dev.switchboard.mock.MockClient.json;
import static dev.switchboard.mock.MockClient.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultRuleTest {

    @RegisterExtension
    static final MockExtension MOCK = new MockExtension(MockProviderOptions.defaults().withApiKeys("key-a", "key-b"));

    MockProvider mock;
    MockClient client;

    @BeforeEach
    void bind() {
        mock = MOCK.provider();
        client = MOCK.client();
    }

    private int chatWith(String key, String model) {
        return client.post("/v1/chat/completions", chat(model, "hi", false), "Authorization", "Bearer " + key)
                .statusCode();
    }

    private int messagesWith(String key, String model) {
        return client.post("/v1/messages", messages(model, "hi", false), "x-api-key", key).statusCode();
    }

    @Test
    void ruleOnOneKeyLeavesTheOtherKeyAlone() {
        mock.addFault(FaultRule.always("key-a", null, "status=429;retry-after=30"));

        HttpResponse<String> a = client.post("/v1/chat/completions", chat("gpt-4o", "hi", false),
                "Authorization", "Bearer key-a");
        assertThat(a.statusCode()).isEqualTo(429);
        assertThat(a.headers().firstValue("retry-after")).hasValue("30");
        assertThat(chatWith("key-b", "gpt-4o")).isEqualTo(200);
        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(429);
    }

    @Test
    void ruleOnOneModelLeavesOtherModelsAlone() {
        mock.addFault(FaultRule.always(null, "claude-opus-4-1", "status=529"));

        assertThat(messagesWith("key-a", "claude-opus-4-1")).isEqualTo(529);
        assertThat(messagesWith("key-b", "claude-opus-4-1")).isEqualTo(529);
        assertThat(messagesWith("key-a", "claude-haiku-4-5")).isEqualTo(200);
    }

    @Test
    void ruleOnKeyAndModelNeedsBoth() {
        mock.addFault(FaultRule.always("key-a", "gpt-4o", "status=503"));

        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(503);
        assertThat(chatWith("key-a", "gpt-4o-mini")).isEqualTo(200);
        assertThat(chatWith("key-b", "gpt-4o")).isEqualTo(200);
    }

    @Test
    void timesLimitsTheRuleToTheFirstRequests() {
        mock.addFault(new FaultRule(null, null, "status=529", 2));

        assertThat(messagesWith("key-a", "claude-haiku-4-5")).isEqualTo(529);
        assertThat(messagesWith("key-b", "claude-haiku-4-5")).isEqualTo(529);
        assertThat(messagesWith("key-a", "claude-haiku-4-5")).isEqualTo(200);
        assertThat(messagesWith("key-a", "claude-haiku-4-5")).isEqualTo(200);
        assertThat(mock.counts().byPath("/v1/messages")).isEqualTo(4);
    }

    @Test
    void firstMatchingRuleWinsAndUsedUpRulesFallThrough() {
        mock.addFault(new FaultRule("key-a", null, "status=500", 1));
        mock.addFault(FaultRule.always(null, null, "status=503"));

        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(500);
        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(503);
        assertThat(chatWith("key-b", "gpt-4o")).isEqualTo(503);
    }

    @Test
    void rulesCanShapeStreamsToo() {
        mock.addFault(new FaultRule("key-b", null, "cut-after=2", 1));

        MockClient.StreamResult cut = client.stream("/v1/chat/completions", chat("gpt-4o", "a b c", true),
                "Authorization", "Bearer key-b");
        assertThat(cut.failure()).isNotNull();
        assertThat(cut.data()).hasSize(2);
        MockClient.StreamResult whole = client.stream("/v1/chat/completions", chat("gpt-4o", "a b c", true),
                "Authorization", "Bearer key-b");
        assertThat(whole.failure()).isNull();
        assertThat(whole.data()).last().isEqualTo("[DONE]");
    }

    @Test
    void headerParametersLayOverARule() {
        mock.addFault(FaultRule.always(null, null, "status=429"));
        HttpResponse<String> resp = client.post("/v1/chat/completions", chat("gpt-4o", "hi", false),
                "Authorization", "Bearer key-a", "x-mock-fault", "retry-after=9");
        assertThat(resp.statusCode()).isEqualTo(429);
        assertThat(resp.headers().firstValue("retry-after")).hasValue("9");
    }

    @Test
    void clearFaultsRemovesEveryRule() {
        mock.addFault(FaultRule.always(null, null, "status=500"));
        mock.clearFaults();
        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(200);
    }

    @Test
    void invalidRulesAreRejectedAtConstruction() {
        assertThatThrownBy(() -> new FaultRule(null, null, "status=42", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");
        assertThatThrownBy(() -> new FaultRule(null, null, "", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaultRule(null, null, "status=500", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times");
    }

    // ------------------------------------------------------------------ over HTTP

    @Test
    void rulesCanBeManagedOverHttp() {
        HttpResponse<String> created = client.post("/mock/faults",
                "{\"apiKey\":\"key-a\",\"model\":null,\"fault\":\"status=429;retry-after=5\",\"times\":2}",
                "Content-Type", "application/json");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created.body()).get("times").asInt()).isEqualTo(2);

        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(429);
        JsonNode listed = json(client.get("/mock/faults").body()).get("rules");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("apiKey").asText()).isEqualTo("key-a");
        assertThat(listed.get(0).get("remaining").asInt()).isEqualTo(1);

        assertThat(client.delete("/mock/faults").statusCode()).isEqualTo(204);
        assertThat(json(client.get("/mock/faults").body()).get("rules")).isEmpty();
        assertThat(chatWith("key-a", "gpt-4o")).isEqualTo(200);
    }

    @Test
    void ruleWithoutTimesOverHttpAppliesForever() {
        client.post("/mock/faults", "{\"model\":\"gpt-4o\",\"fault\":\"status=500\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(chatWith("key-b", "gpt-4o")).isEqualTo(500);
        }
    }

    @Test
    void invalidRuleOverHttpIs400() {
        HttpResponse<String> resp = client.post("/mock/faults", "{\"fault\":\"status=abc\"}");
        assertThat(resp.statusCode()).isEqualTo(400);
        assertThat(resp.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(json(resp.body()).get("detail").asText()).contains("status");
        assertThat(client.post("/mock/faults", "not json").statusCode()).isEqualTo(400);
        assertThat(json(client.get("/mock/faults").body()).get("rules")).isEmpty();
    }
}
