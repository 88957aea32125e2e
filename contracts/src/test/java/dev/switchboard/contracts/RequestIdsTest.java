package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void keepsASaneCallerId() {
        assertThat(RequestIds.accept("relay-abc_1.2")).isEqualTo("relay-abc_1.2");
        assertThat(RequestIds.accept("a".repeat(64))).isEqualTo("a".repeat(64));
    }

    @Test
    void replacesIdsThatCouldInjectIntoHeadersOrLogs() {
        for (String bad : new String[] {null, "", "a".repeat(65), "id\r\nx-evil: 1", "id with space", "id:colon",
                "ünïcode", "<script>"}) {
            String id = RequestIds.accept(bad);
            assertThat(id).isNotEqualTo(bad).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
    }

    @Test
    void newIdsAreDistinct() {
        assertThat(RequestIds.newId()).isNotEqualTo(RequestIds.newId());
    }
}
