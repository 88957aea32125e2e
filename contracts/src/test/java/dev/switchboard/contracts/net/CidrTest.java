package dev.switchboard.contracts.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void storesAMappedBlockAsItsIpv4Block() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    @Test
    void matchesIpv4AndMappedClientsAlike() throws Exception {
        Cidr block = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(block.contains(ip("10.1.2.3"))).isTrue();
        assertThat(block.contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(block.contains(ip("11.1.2.3"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.9.9.9"))).isTrue();
    }

    @Test
    void refusesAMappedBlockWiderThanTheMappedRange() {
        assertThatThrownBy(() -> Cidr.parse("::ffff:0.0.0.0/95")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNamesAndBadPrefixesWithoutALookup() {
        for (String bad : new String[] {"example.com/8", "10.0.0.0/33", "10.0.0.0/x", "", "2001:db8::/129"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void masksTheHostBitsAndKeepsIpv6Apart() throws Exception {
        assertThat(Cidr.parse("192.168.1.77/24").toString()).isEqualTo("192.168.1.0/24");
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertThat(v6.contains(ip("2001:db8:1::1"))).isTrue();
        assertThat(v6.contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("10.0.0.1").contains(ip("10.0.0.1"))).isTrue();
    }
}
