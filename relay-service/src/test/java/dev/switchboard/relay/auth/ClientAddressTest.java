package dev.switchboard.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address the IP rules see, behind a configured number of trusted proxies. */
class ClientAddressTest {

    @Test
    void withoutTrustedHopsThePeerIsTheClientWhateverTheHeaderSays() {
        assertThat(TenantAuthenticator.clientAddress("127.0.0.1", List.of("10.1.2.3"), 0)).isEqualTo("127.0.0.1");
    }

    @Test
    void theEntryTheOutermostTrustedProxyWroteCounts() {
        assertThat(TenantAuthenticator.clientAddress("10.0.0.1", List.of("198.51.100.9, 203.0.113.7, 10.0.0.2"), 2))
                .isEqualTo("203.0.113.7");
        assertThat(TenantAuthenticator.clientAddress("10.0.0.1", List.of("198.51.100.9, 203.0.113.7", "10.0.0.2"), 2))
                .as("two header lines are one list").isEqualTo("203.0.113.7");
    }

    @Test
    void fewerEntriesThanTrustedHopsFallBackToThePeerNotToAClientWrittenEntry() {
        assertThat(TenantAuthenticator.clientAddress("10.0.0.1", List.of("10.1.2.3"), 2)).isEqualTo("10.0.0.1");
        assertThat(TenantAuthenticator.clientAddress("10.0.0.1", List.of(" "), 1)).isEqualTo("10.0.0.1");
        assertThat(TenantAuthenticator.clientAddress("10.0.0.1", List.of(), 1)).isEqualTo("10.0.0.1");
    }
}
