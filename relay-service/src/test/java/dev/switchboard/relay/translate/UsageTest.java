package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageTest {

    @Test
    void openAiPromptTokensIncludeBothCacheCounts() {
        Usage u = new Usage(5, 7, 100, 20);
        assertThat(u.promptTokensOpenAi()).isEqualTo(125);
        assertThat(Golden.reread(u.toOpenAi())).isEqualTo(json("{'prompt_tokens':125,'completion_tokens':7,"
                + "'total_tokens':132,'prompt_tokens_details':{'cached_tokens':100}}"));
    }

    @Test
    void anOpenAiUsageObjectSubtractsTheCachedTokensFromInput() {
        assertThat(Usage.fromOpenAi(json("{'prompt_tokens':1200,'completion_tokens':40,"
                + "'prompt_tokens_details':{'cached_tokens':1000}}"))).isEqualTo(new Usage(200, 40, 1000, 0));
    }

    @Test
    void anAnthropicUsageObjectKeepsItsFourCounts() {
        assertThat(Usage.fromAnthropic(json("{'input_tokens':5,'output_tokens':7,'cache_read_input_tokens':100,"
                + "'cache_creation_input_tokens':20}"))).isEqualTo(new Usage(5, 7, 100, 20));
    }

    @Test
    void anthropicStreamUsageIsSetNotAdded() {
        Usage start = Usage.fromAnthropic(json("{'input_tokens':5,'output_tokens':1,'cache_read_input_tokens':100}"));
        Usage end = start.updatedByAnthropic(json("{'output_tokens':7}")).updatedByAnthropic(json("{'output_tokens':9}"));
        assertThat(end).isEqualTo(new Usage(5, 9, 100, 0));
    }

    @Test
    void aMissingUsageIsNone() {
        assertThat(Usage.fromOpenAi(null)).isEqualTo(Usage.NONE);
        assertThat(Usage.fromAnthropic(json("{'a':null}").get("a"))).isEqualTo(Usage.NONE);
    }
}
