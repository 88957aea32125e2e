package dev.switchboard.contracts.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String literal) {
        return Cidr.address(literal);
    }

    @Test
    void storesAMappedBlockAsItsIpv4Block() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("0:0:0:0:0:ffff:a00:0/104").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("::ffff:10.1.2.3").toString()).isEqualTo("10.1.2.3/32");
        assertThat(Cidr.parse("::ffff:0:0/96").toString()).isEqualTo("0.0.0.0/0");
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").isIpv4()).isTrue();
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").prefix()).isEqualTo(8);
    }

    @Test
    void matchesIpv4AndMappedClientsAlike() {
        Cidr block = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(block.contains(ip("10.1.2.3"))).isTrue();
        assertThat(block.contains(ip("::ffff:10.1.2.3"))).isTrue();
        assertThat(block.contains(ip("11.1.2.3"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.9.9.9"))).isTrue();
    }

    @Test
    void matchesAMappedClientGivenAsAnInet6AddressToo() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 7;
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(v6.getAddress()).hasSize(16);
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6)).isTrue();
    }

    @Test
    void refusesAMappedBlockWiderThanTheMappedRange() {
        for (String wide : List.of("::ffff:0.0.0.0/95", "::ffff:0:0/95", "::ffff:10.0.0.0/0")) {
            assertThatThrownBy(() -> Cidr.parse(wide)).as(wide).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 96");
        }
    }

    @Test
    void refusesWhatIsNotAnAddressBlock() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "", "  ",
                "2001:db8::/129", "2001:db8:::1/64", "fe80::zz", "300.1.1.1/8", "10.0.0/8", "10.1", "10", "010.0.0.0/8",
                "10.0.0.0.0/8", "[2001:db8::]/32", "fe80::1%eth0/64", "10.0.0.0/8/8", "1".repeat(65))) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverLooksUpANameWhileParsing() throws Exception {
        // the counting resolver is this JVM's resolver: a real lookup is counted
        int before = CountingResolver.LOOKUPS.get();
        InetAddress.getByName("probe-" + System.nanoTime() + ".test");
        assertThat(CountingResolver.LOOKUPS.get()).isEqualTo(before + 1);

        int start = CountingResolver.LOOKUPS.get();
        for (String name : List.of("example.com/8", "localhost/32", "cafe", "cafe/16", "dead.beef", "beef.cafe.dead.b0b",
                ".1:2", "a:b.c", "abc.test", "f.test:1")) {
            assertThatThrownBy(() -> Cidr.parse(name)).as(name).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Cidr.address(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(CountingResolver.LOOKUPS.get()).isEqualTo(start);
    }

    @Test
    void masksTheHostBitsAndKeepsIpv6Apart() {
        assertThat(Cidr.parse("192.168.1.77/24").toString()).isEqualTo("192.168.1.0/24");
        assertThat(Cidr.parse(" 10.0.0.1 ").toString()).isEqualTo("10.0.0.1/32");
        assertThat(Cidr.parse("2001:DB8::/32").toString()).isEqualTo("2001:db8:0:0:0:0:0:0/32");
        assertThat(Cidr.parse("::1").toString()).isEqualTo("0:0:0:0:0:0:0:1/128");
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertThat(v6.isIpv4()).isFalse();
        assertThat(v6.contains(ip("2001:db8:1::1"))).isTrue();
        assertThat(v6.contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(ip("2001:db8::1"))).isFalse();
        assertThat(Cidr.parse("10.0.0.1").contains(ip("10.0.0.1"))).isTrue();
    }

    @Test
    void theCanonicalTextParsesBackToTheSameBlock() {
        for (String text : List.of("10.0.0.0/8", "::ffff:10.0.0.0/104", "2001:db8::/32", "::/0", "0.0.0.0/0", "::1",
                "192.168.4.0/22", "fe80::/10")) {
            Cidr c = Cidr.parse(text);
            assertThat(Cidr.parse(c.toString())).as(text).isEqualTo(c).hasSameHashCodeAs(c);
        }
    }

    @Test
    void oddPrefixLengthsMatchBitwise() {
        Cidr c = Cidr.parse("192.168.4.0/22");
        assertThat(c.contains(ip("192.168.7.255"))).isTrue();
        assertThat(c.contains(ip("192.168.8.0"))).isFalse();
        assertThat(c.contains(ip("192.168.3.255"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("203.0.113.9"))).as("IPv4 is not inside an IPv6 block").isFalse();
    }

    @Test
    void readsClientAddressLiteralsOnly() {
        assertThat(Cidr.address("[2001:db8::1]").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(Cidr.address("::ffff:10.1.2.3").getAddress()).hasSize(4);
        assertThat(Cidr.address(" 10.1.2.3 ").getHostAddress()).isEqualTo("10.1.2.3");
        for (String bad : List.of("", "10.0.0.0/8", "10.1", "010.1.2.3", "[10.1.2.3", "2001:db8::1%eth0", "unknown")) {
            assertThatThrownBy(() -> Cidr.address(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Cidr.address(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
