package dev.switchboard.relay.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README section lists every refused and dropped field the code knows, as a backticked table cell. */
class TranslationDocsTest {

    @Test
    void theTranslationSectionNamesEveryRefusedAndDroppedField() throws IOException {
        String doc = Files.readString(Path.of("README.md"));
        for (Wire[] d : new Wire[][] {{Wire.OPENAI_CHAT, Wire.ANTHROPIC_MESSAGES}, {Wire.ANTHROPIC_MESSAGES, Wire.OPENAI_CHAT},
                {Wire.OPENAI_RESPONSES, Wire.OPENAI_CHAT}}) {
            for (Map<String, String> fields : java.util.List.of(Translator.unsupportedFields(d[0], d[1]),
                    Translator.droppedFields(d[0], d[1]))) {
                for (String field : fields.keySet()) {
                    assertThat(doc).as(d[0] + " → " + d[1]).contains("| `" + field.replace("|", "\\|") + "` |");
                }
            }
        }
    }
}
