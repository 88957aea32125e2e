package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.service.KeySecrets;
import dev.switchboard.contracts.auth.TenantKeys;
import org.junit.jupiter.api.Test;

/** The relay refuses keys without the tenant key format before any lookup: every generated key must have it. */
class KeyFormatTest {

    @Test
    void everyGeneratedKeyHasTheFormatTheRelayChecks() {
        for (int i = 0; i < 2_000; i++) {
            assertThat(TenantKeys.wellFormed(KeySecrets.generate())).isTrue();
        }
        assertThat(KeySecrets.PREFIX).isEqualTo(TenantKeys.PREFIX);
    }
}
