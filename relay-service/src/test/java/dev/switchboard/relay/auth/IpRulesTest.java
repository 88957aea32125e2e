package dev.switchboard.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRulesTest {

    @Test
    void emptyRulesAdmitEveryone() {
        IpRules r = new IpRules(List.of(), List.of());
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.permits("203.0.113.9")).isTrue();
    }

    @Test
    void allowListAdmitsOnlyItsRangesForIpv4AndIpv6() {
        IpRules r = new IpRules(List.of("10.0.0.0/8", "2001:db8::/32"), List.of());
        assertThat(r.permits("10.1.2.3")).isTrue();
        assertThat(r.permits("11.1.2.3")).isFalse();
        assertThat(r.permits("2001:db8:0:1::5")).isTrue();
        assertThat(r.permits("[2001:db8:0:1::5]")).isTrue();
        assertThat(r.permits("2001:db9::1")).isFalse();
    }

    @Test
    void aMappedClientMatchesIpv4BlocksAndAMappedBlockMatchesIpv4Clients() {
        IpRules allow = new IpRules(List.of("10.0.0.0/8"), List.of());
        assertThat(allow.permits("::ffff:10.1.2.3")).isTrue();
        assertThat(allow.permits("0:0:0:0:0:ffff:a01:203")).isTrue();
        assertThat(allow.permits("::ffff:11.1.2.3")).isFalse();
        IpRules mappedAllow = new IpRules(List.of("::ffff:10.0.0.0/104"), List.of());
        assertThat(mappedAllow.unusable()).isNull();
        assertThat(mappedAllow.permits("10.1.2.3")).isTrue();
        assertThat(mappedAllow.permits("11.1.2.3")).isFalse();
    }

    @Test
    void aDenyRuleIsEnforcedOnMappedAndPlainClientsAlike() {
        IpRules deny = new IpRules(List.of(), List.of("10.0.0.0/8"));
        assertThat(deny.permits("::ffff:10.1.2.3")).isFalse();
        assertThat(deny.permits("10.1.2.3")).isFalse();
        assertThat(deny.permits("::ffff:11.1.2.3")).isTrue();
        IpRules mappedDeny = new IpRules(List.of(), List.of("::ffff:10.0.0.0/104"));
        assertThat(mappedDeny.permits("10.1.2.3")).isFalse();
        assertThat(mappedDeny.permits("::ffff:10.1.2.3")).isFalse();
        assertThat(mappedDeny.permits("11.1.2.3")).isTrue();
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
    void anAllowRuleThatDoesNotParseAdmitsNobody() {
        // the old matcher dropped "10.0.0.0/104" and, with no allow rule left, admitted every address
        IpRules r = new IpRules(List.of("10.0.0.0/104"), List.of());
        assertThat(r.unusable()).startsWith("ipAllow[0] \"10.0.0.0/104\": ").contains("prefix length");
        assertThat(r.isEmpty()).isFalse();
        assertThat(r.permits("10.1.2.3")).isFalse();
        assertThat(r.permits("203.0.113.9")).isFalse();
    }

    @Test
    void aDenyRuleThatDoesNotParseAdmitsNobody() {
        // the old matcher dropped it and never denied anyone
        IpRules r = new IpRules(List.of("10.0.0.0/8"), List.of("10.0.0.0/24", "::ffff:0:0/95"));
        assertThat(r.unusable()).startsWith("ipDeny[1] \"::ffff:0:0/95\": ").contains("at least 96");
        assertThat(r.permits("10.1.2.3")).isFalse();
    }

    @Test
    void hostnamesAreNeverResolvedAndMakeTheRulesUnusable() {
        IpRules r = new IpRules(List.of("10.0.0.0/8", "localhost/32"), List.of());
        assertThat(r.unusable()).startsWith("ipAllow[1] \"localhost/32\"");
        assertThat(r.permits("10.0.0.1")).isFalse();
        IpRules plain = new IpRules(List.of("10.0.0.0/8"), List.of());
        assertThat(plain.permits("localhost")).as("a client address that is not a literal").isFalse();
    }

    @Test
    void theProblemQuotesTheRuleWithoutControlCharactersAndShortened() {
        IpRules r = new IpRules(List.of("10.0.0.0/8\nFAKE LOG LINE"), List.of());
        assertThat(r.unusable()).startsWith("ipAllow[0] \"10.0.0.0/8?FAKE LOG LINE\"").doesNotContain("\n");
        IpRules nulls = new IpRules(java.util.Arrays.asList((String) null), List.of());
        assertThat(nulls.unusable()).startsWith("ipAllow[0] null");
        IpRules longOne = new IpRules(List.of("9".repeat(200)), List.of());
        assertThat(longOne.unusable()).hasSizeLessThan(160).contains("...\"");
    }

    @Test
    void aZoneIdOnTheClientAddressIsIgnored() {
        IpRules r = new IpRules(List.of("fe80::/10"), List.of());
        assertThat(r.permits("fe80::1%eth0")).isTrue();
        assertThat(r.permits("[fe80::1%25eth0]")).isTrue();
    }
}
