package dev.switchboard.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRulesTest {

    @Test
    void emptyRulesAdmitEveryone() {
        assertThat(new IpRules(List.of(), List.of()).permits("203.0.113.9")).isTrue();
    }

    @Test
    void allowListAdmitsOnlyItsRangesForIpv4AndIpv6() {
        IpRules r = new IpRules(List.of("10.0.0.0/8", "2001:db8::/32"), List.of());
        assertThat(r.permits("10.1.2.3")).isTrue();
        assertThat(r.permits("11.1.2.3")).isFalse();
        assertThat(r.permits("2001:db8:0:1::5")).isTrue();
        assertThat(r.permits("2001:db9::1")).isFalse();
        assertThat(r.permits("::ffff:10.9.9.9")).as("IPv4-mapped IPv6").isTrue();
    }

    @Test
    void denyWinsOverAllow() {
        IpRules r = new IpRules(List.of("10.0.0.0/8"), List.of("10.0.0.0/24"));
        assertThat(r.permits("10.0.0.7")).isFalse();
        assertThat(r.permits("10.0.1.7")).isTrue();
    }

    @Test
    void oddPrefixLengthsMatchBitwise() {
        IpRules r = new IpRules(List.of("192.168.4.0/22"), List.of());
        assertThat(r.permits("192.168.7.255")).isTrue();
        assertThat(r.permits("192.168.8.0")).isFalse();
    }

    @Test
    void hostnamesAreNeverResolvedAndNeverMatch() {
        IpRules r = new IpRules(List.of("localhost/32", "10.0.0.0/8"), List.of());
        assertThat(r.permits("localhost")).isFalse();
        assertThat(r.permits("10.0.0.1")).isTrue();
    }
}
