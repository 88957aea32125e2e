package dev.switchboard.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.TenantKeys;
import org.junit.jupiter.api.Test;

class TenantKeysTest {

    private static final String GOOD = "sk-sb-" + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg";

    @Test
    void acceptsThePrefixAndFortyThreeBase62Characters() {
        assertThat(GOOD).hasSize(TenantKeys.LENGTH);
        assertThat(TenantKeys.wellFormed(GOOD)).isTrue();
    }

    @Test
    void refusesOtherPrefixesLengthsAndCharacters() {
        assertThat(TenantKeys.wellFormed(null)).isFalse();
        assertThat(TenantKeys.wellFormed("")).isFalse();
        assertThat(TenantKeys.wellFormed("sk-xx-" + GOOD.substring(6))).isFalse();
        assertThat(TenantKeys.wellFormed(GOOD + "a")).isFalse();
        assertThat(TenantKeys.wellFormed(GOOD.substring(0, GOOD.length() - 1))).isFalse();
        assertThat(TenantKeys.wellFormed(GOOD.substring(0, GOOD.length() - 1) + "-")).isFalse();
        assertThat(TenantKeys.wellFormed(GOOD.substring(0, GOOD.length() - 1) + "é")).isFalse();
        assertThat(TenantKeys.wellFormed("sk-test-" + java.util.UUID.randomUUID())).isFalse();
    }
}
