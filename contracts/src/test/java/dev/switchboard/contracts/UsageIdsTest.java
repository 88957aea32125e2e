package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UsageIdsTest {

    @Test
    void idsAreVersion7UuidsCarryingTheirMillisecond() {
        UUID id = UUID.fromString(UsageIds.newId(1_763_700_000_123L));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(1_763_700_000_123L);
    }

    @Test
    void idsSortByTheirMillisecondAsStrings() {
        assertThat(UsageIds.newId(1_763_700_000_123L)).isLessThan(UsageIds.newId(1_763_700_000_124L));
    }

    @Test
    void aMillionIdsOfOneMillisecondAreDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            ids.add(UsageIds.newId(1_763_700_000_123L));
        }
        assertThat(ids).hasSize(1_000_000);
    }
}
