package dev.switchboard.relay.translate;

import static dev.switchboard.relay.translate.Golden.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CountTokensEstimateTest {

    @Test
    void textIsCountedAtFourCharactersPerTokenPlusFixedOverheads() {
        // 3 (request) + 4 (one message) + ceil((12 system + 20 text) / 4) = 15
        assertThat(Translator.countTokensEstimate(json("{'model':'m','system':'You are terse',"
                + "'messages':[{'role':'user','content':'12345678901234567890'}]}")).path("input_tokens").asLong())
                .isEqualTo(3 + 4 + (13 + 20 + 3) / 4);
    }

    @Test
    void anImageCountsAFixedCeiling() {
        long withImage = Translator.countTokensEstimate(json("{'model':'m','messages':[{'role':'user','content':["
                + "{'type':'image','source':{'type':'url','url':'https://x/y.png'}}]}]}")).path("input_tokens").asLong();
        assertThat(withImage).isEqualTo(3 + 4 + 1600);
    }

    @Test
    void toolDefinitionsAndToolTrafficCount() {
        long without = Translator.countTokensEstimate(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"))
                .path("input_tokens").asLong();
        long with = Translator.countTokensEstimate(json("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + "'tools':[{'name':'get_weather','description':'Weather by city','input_schema':{'type':'object'}}]}"))
                .path("input_tokens").asLong();
        assertThat(with).isGreaterThan(without + 5);
    }

    @Test
    void aBodyWithoutMessagesIsRefused() {
        assertThatThrownBy(() -> Translator.countTokensEstimate(json("{'model':'m'}")))
                .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.param()).isEqualTo("messages"));
    }
}
