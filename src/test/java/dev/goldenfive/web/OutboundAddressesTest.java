package dev.goldenfive.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.goldenfive.web.OutboundAddresses.Kind;
import dev.goldenfive.web.OutboundAddresses.Refused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbound guard on its own: no look-up here reaches a resolver, names resolve from a map. */
class OutboundAddressesTest {

    private static final OutboundAddresses DEFAULTS = guard(List.of(), List.of());

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "169.254.0.1, LINK_LOCAL", "169.254.170.2, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf:ffff::1, LINK_LOCAL",
            "169.254.169.254, METADATA", "fd00:ec2::254, METADATA", "100.100.100.200, METADATA", "168.63.129.16, METADATA",
            "224.0.0.251, MULTICAST", "239.255.255.250, MULTICAST", "255.255.255.255, MULTICAST", "ff02::1, MULTICAST",
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, METADATA", "::ffff:100.100.100.200, METADATA",
            "::ffff:0.0.0.0, UNSPECIFIED", "::ffff:169.254.1.1, LINK_LOCAL"})
    void refusesLoopbackUnspecifiedLinkLocalMetadataAndMulticastByDefault(String address, Kind kind) {
        assertThat(DEFAULTS.refusal(ip(address))).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "10.0.0.1", "172.16.5.4", "192.168.1.10", "100.64.0.1", "169.253.255.255",
            "169.255.0.1", "126.255.255.255", "128.0.0.1", "2606:4700::1111", "fd00::1", "fd00:ec2::253", "fec0::1", "2001:db8::1"})
    void allowsPublicAndPrivateAddressesByDefault(String address) {
        assertThat(DEFAULTS.refusal(ip(address))).isEmpty();
    }

    @Test
    void judgesAnIpv6FormOfAnIpv4AddressAsThatAddress() throws Exception {
        // the JDK turns ::ffff:a.b.c.d into an IPv4 address when it parses one; an address may still arrive in IPv6 form
        byte[] metadata = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};

        assertThat(DEFAULTS.refusal(v6(10, 0xff, 0xff, metadata))).as("IPv4-mapped").contains(Kind.METADATA);
        assertThat(DEFAULTS.refusal(v6(10, 0, 0, metadata))).as("IPv4-compatible").contains(Kind.METADATA);
        assertThat(DEFAULTS.refusal(ip("64:ff9b::a9fe:a9fe"))).as("NAT64").contains(Kind.METADATA);
        assertThat(DEFAULTS.refusal(v6(10, 0xff, 0xff, new byte[] {127, 0, 0, 1}))).contains(Kind.LOOPBACK);
        assertThat(DEFAULTS.refusal(v6(10, 0xff, 0xff, new byte[] {10, 0, 0, 1}))).isEmpty();
    }

    @Test
    void anAllowedRangeLetsItsAddressesThroughAndNoOthers() throws Exception {
        OutboundAddresses guard = guard(List.of("127.0.0.1/32", "fe80::/64"), List.of());

        assertThat(guard.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(guard.refusal(v6(10, 0xff, 0xff, new byte[] {127, 0, 0, 1}))).as("the same address, IPv4-mapped").isEmpty();
        assertThat(guard.refusal(ip("127.0.0.2"))).contains(Kind.LOOPBACK);
        assertThat(guard.refusal(ip("::1"))).contains(Kind.LOOPBACK);
        assertThat(guard.refusal(ip("fe80::1"))).isEmpty();
        assertThat(guard.refusal(ip("fe80:0:0:1::1"))).contains(Kind.LINK_LOCAL);
        assertThat(guard.refusal(ip("169.254.169.254"))).contains(Kind.METADATA);
    }

    @Test
    void aMetadataAddressPassesOnlyWhenItIsAllowedByItself() {
        assertThat(guard(List.of("169.254.0.0/16"), List.of()).refusal(ip("169.254.169.254"))).contains(Kind.METADATA);
        assertThat(guard(List.of("169.254.0.0/16"), List.of()).refusal(ip("169.254.1.1"))).isEmpty();
        assertThat(guard(List.of("169.254.169.254/32"), List.of()).refusal(ip("169.254.169.254"))).isEmpty();
    }

    @Test
    void aNameIsCheckedByWhatTheSystemResolverAnswersForIt() {
        // localhost is answered from the hosts file: a loopback address, whichever family; nothing is sent
        var guard = new OutboundAddresses(new WebSettings.Outbound(List.of(), List.of()), java.net.InetAddress::getAllByName);

        assertThatThrownBy(() -> guard.check(URI.create("http://localhost:9/hook"))).isInstanceOf(Refused.class)
                .hasMessageContaining("localhost resolves to").hasMessageContaining("loopback");
    }

    @Test
    void aDeniedRangeIsRefusedEvenWhereAnAllowedRangeCoversIt() {
        OutboundAddresses guard = guard(List.of("10.0.0.0/8", "127.0.0.0/8"), List.of("10.1.0.0/16", "127.0.0.9", "fd00::/8"));

        assertThat(guard.refusal(ip("10.1.2.3"))).contains(Kind.DENIED);
        assertThat(guard.refusal(ip("10.2.0.1"))).isEmpty();
        assertThat(guard.refusal(ip("127.0.0.9"))).contains(Kind.DENIED);
        assertThat(guard.refusal(ip("127.0.0.8"))).isEmpty();
        assertThat(guard.refusal(ip("fd12::1"))).contains(Kind.DENIED);
        assertThat(guard.refusal(ip("::ffff:10.1.0.1"))).contains(Kind.DENIED);
    }

    @Test
    void aHostNameIsRefusedWhenAnyOfItsAddressesIsRefused() throws Exception {
        OutboundAddresses guard = new OutboundAddresses(new WebSettings.Outbound(List.of(), List.of()), names(Map.of(
                "chat.internal", List.of("10.0.0.5", "fd00::5"),
                "sneaky.example", List.of("10.0.0.5", "::1"),
                "metadata.google.internal", List.of("169.254.169.254"))));

        assertThat(guard.check(URI.create("https://chat.internal/hooks/1"))).extracting(InetAddress::getHostAddress)
                .containsExactly("10.0.0.5", "fd00:0:0:0:0:0:0:5");
        assertThatThrownBy(() -> guard.check(URI.create("https://sneaky.example/")))
                .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.kind()).isEqualTo(Kind.LOOPBACK))
                .hasMessageContaining("sneaky.example resolves to 0:0:0:0:0:0:0:1").hasMessageContaining("loopback")
                .hasMessageContaining("goldenfive.outbound.allow");
        assertThatThrownBy(() -> guard.check(URI.create("http://metadata.google.internal/computeMetadata/v1/")))
                .hasMessageContaining("169.254.169.254").hasMessageContaining("cloud metadata");
        assertThatThrownBy(() -> guard.check(URI.create("http://[::ffff:a9fe:a9fe]/latest/meta-data")))
                .as("a literal is parsed, not looked up").hasMessageContaining("169.254.169.254 is a cloud metadata address");
        assertThatThrownBy(() -> guard.check(URI.create("http://nowhere.example/"))).isInstanceOf(UnknownHostException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://127.0.0.1:8080/", "http://2130706433/",
            "http://0177.0.0.1/", "http://127.000.000.001/", "http://[::1]:9/", "http://[::ffff:a9fe:a9fe]/",
            "http://[fe80::1%25eth0]/", "http://[fd00:ec2::254]/", "http://0.0.0.0:8080/"})
    void aUrlWrittenWithARefusedAddressIsRefusedWithoutALookUp(String url) {
        assertThatThrownBy(() -> DEFAULTS.checkLiteral(URI.create(url))).isInstanceOf(Refused.class).hasMessageStartingWith("refused: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://status.example.com/hook", "http://10.0.0.1/", "https://[2606:4700::1111]/", "http://localhost/"})
    void aUrlWithAHostNameOrAnAllowedAddressPassesTheCheckWithoutALookUp(String url) {
        // names are judged when sending, after they are resolved; checkLiteral must not look them up
        OutboundAddresses guard = new OutboundAddresses(new WebSettings.Outbound(List.of(), List.of()), host -> {
            throw new AssertionError("looked up " + host);
        });

        assertThatCode(() -> guard.checkLiteral(URI.create(url))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "example.com", "10.0.0/8", "256.0.0.1", "fe80::/129", "10.0.0.0/x", "::ffff:127.0.0.1/128"})
    void aSettingThatIsNotARangeStopsTheStartNamingTheSetting(String range) {
        assertThatThrownBy(() -> guard(List.of(range), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("goldenfive.outbound.allow").hasMessageContaining(range);
        assertThatThrownBy(() -> guard(List.of(), List.of(range))).hasMessageContaining("goldenfive.outbound.deny");
    }

    private static OutboundAddresses guard(List<String> allow, List<String> deny) {
        return new OutboundAddresses(new WebSettings.Outbound(allow, deny), host -> {
            throw new AssertionError("looked up " + host);
        });
    }

    private static OutboundAddresses.Resolver names(Map<String, List<String>> names) {
        return host -> {
            List<String> addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            return addresses.stream().map(OutboundAddressesTest::ip).toArray(InetAddress[]::new);
        };
    }

    /** A literal address; in brackets an IPv6 one is parsed, never looked up. */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
        }
        catch (UnknownHostException ex) {
            throw new IllegalArgumentException(literal, ex);
        }
    }

    /** An IPv6 address of zeros, then two bytes, then an IPv4 address, kept in IPv6 form. */
    private static InetAddress v6(int zeros, int b10, int b11, byte[] ipv4) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[zeros] = (byte) b10;
        bytes[zeros + 1] = (byte) b11;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
