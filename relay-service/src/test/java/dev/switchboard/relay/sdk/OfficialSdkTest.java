package dev.switchboard.relay.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.relay.support.Fixture;
import dev.switchboard.relay.support.RelayTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI and Anthropic Java SDKs, unchanged, pointed at the relay. */
@QuarkusTest
class OfficialSdkTest extends RelayTestBase {

    @TestHTTPResource("/")
    URL relay;

    private String chatModel;
    private String embedModel;
    private String claudeModel;
    private String key;

    @BeforeEach
    void seed() {
        chatModel = Fixture.unique("sdk-chat");
        embedModel = Fixture.unique("sdk-embed");
        claudeModel = Fixture.unique("sdk-claude");
        fx.publish(List.of(
                Fixture.provider(Fixture.unique("openai"), ProviderSnapshot.OPENAI, mock.baseUrl(),
                        List.of(Fixture.providerKey("o", "up-a")),
                        List.of(Fixture.model(chatModel, "gpt-4o-mini"), Fixture.model(embedModel, "text-embedding-3-small"))),
                Fixture.provider(Fixture.unique("anthropic"), ProviderSnapshot.ANTHROPIC, mock.baseUrl(),
                        List.of(Fixture.providerKey("a", "up-b")), List.of(Fixture.model(claudeModel, "claude-3-5-haiku")))),
                List.of(), List.of(), List.of());
        key = fx.tenant();
    }

    private String base() {
        String s = relay.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private OpenAIClient openai(String apiKey) {
        return OpenAIOkHttpClient.builder().apiKey(apiKey).baseUrl(base() + "/v1").maxRetries(0).build();
    }

    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(base()).maxRetries(0).build();
    }

    @Test
    void openAiChatCompletion() {
        ChatCompletion c = openai(key).chat().completions().create(ChatCompletionCreateParams.builder()
                .model(chatModel).addUserMessage("Say hello").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).isPresent();
        assertThat(mock.counts().by("/v1/chat/completions", "gpt-4o-mini", "up-a")).isEqualTo(1);
    }

    @Test
    void openAiChatStreaming() {
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openai(key).chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(chatModel).addUserMessage("Count to five").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add)));
        }
        assertThat(deltas).isNotEmpty();
        assertThat(String.join("", deltas)).isNotBlank();
    }

    @Test
    void openAiEmbeddings() {
        CreateEmbeddingResponse r = openai(key).embeddings().create(EmbeddingCreateParams.builder()
                .model(embedModel).input("hello world").build());
        assertThat(r.data()).hasSize(1);
        assertThat(r.data().get(0).embedding()).isNotEmpty();
    }

    @Test
    void openAiModelsList() {
        List<String> ids = openai(key).models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains(chatModel, embedModel, claudeModel);
    }

    @Test
    void openAiBadKeyRaisesItsTypedException() {
        assertThatThrownBy(() -> openai(Fixture.newSecret()).chat().completions().create(
                ChatCompletionCreateParams.builder().model(chatModel).addUserMessage("x").build()))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void anthropicMessage() {
        Message m = anthropic().messages().create(MessageCreateParams.builder()
                .model(claudeModel).maxTokens(64).addUserMessage("Say hello").build());
        assertThat(m.content()).isNotEmpty();
        assertThat(mock.counts().by("/v1/messages", "claude-3-5-haiku", "up-b")).isEqualTo(1);
    }

    @Test
    void anthropicMessageStreaming() {
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(
                MessageCreateParams.builder().model(claudeModel).maxTokens(64).addUserMessage("Count to five").build())) {
            stream.stream().forEach(e -> {
                if (e.isMessageStart()) {
                    types.add("message_start");
                }
                if (e.isMessageStop()) {
                    types.add("message_stop");
                }
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
            });
        }
        assertThat(types).containsExactly("message_start", "message_stop");
        assertThat(text.toString()).isNotBlank();
    }
}
