package dev.goldenfive.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.util.matcher.InetAddressMatcher;
import org.springframework.security.util.matcher.InetAddressMatchers;
import org.springframework.stereotype.Component;

/**
 * The guard in front of every request goldenfive sends on its own (webhooks; later notifications and metric
 * checks), so that whoever may register a URL cannot make a replica call itself, its pod's neighbours on the
 * link, or the cloud's metadata service (and its credentials). Refused by default: loopback ({@code 127.0.0.0/8},
 * {@code ::1}), unspecified ({@code 0.0.0.0/8}, {@code ::}, which reach this host), link-local
 * ({@code 169.254.0.0/16}, {@code fe80::/10}), cloud metadata ({@code 169.254.169.254}, {@code fd00:ec2::254},
 * {@code 100.100.100.200}, {@code 168.63.129.16}), multicast and broadcast. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}) are
 * judged as that IPv4 address. Private ranges ({@code 10/8}, {@code 172.16/12}, {@code 192.168/16}, {@code fc00::/7})
 * are allowed: internal chat servers live there. {@link WebSettings.Outbound#deny()} refuses more ranges and
 * {@link WebSettings.Outbound#allow()} lets chosen refused ranges through; deny wins.
 *
 * <p>{@link #check(URI)} resolves the host the way the JDK's HTTP client does ({@link InetAddress#getAllByName})
 * and refuses if <em>any</em> address is refused, since the client may connect to any of them. The JVM caches
 * positive answers (30 s by default), so the connection made right after the check uses the addresses checked;
 * a name whose cached answer expires in between could still be rebound, a window of milliseconds.
 */
@Component
public class OutboundAddresses {

    /** Why an address is refused. */
    public enum Kind {
        LOOPBACK("a loopback address"),
        UNSPECIFIED("an unspecified address (it reaches this host)"),
        LINK_LOCAL("a link-local address"),
        METADATA("a cloud metadata address"),
        MULTICAST("a multicast or broadcast address"),
        DENIED("in a range goldenfive.outbound.deny refuses");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** A request that must not be sent: the reason names the address and its kind. */
    public static final class Refused extends RuntimeException {

        private final transient InetAddress address;
        private final Kind kind;

        Refused(String host, InetAddress address, Kind kind) {
            super(reason(host, address, kind));
            this.address = address;
            this.kind = kind;
        }

        public InetAddress address() {
            return address;
        }

        public Kind kind() {
            return kind;
        }

        private static String reason(String host, InetAddress address, Kind kind) {
            String ip = address.getHostAddress();
            String subject = host == null || host.equalsIgnoreCase(ip) ? ip : host + " resolves to " + ip + ", which";
            return kind == Kind.DENIED
                    ? "refused: " + subject + " is " + kind.description()
                    : "refused: " + subject + " is " + kind.description() + "; goldenfive.outbound.allow can let it through";
        }
    }

    /** Looks up a host name; the JDK's resolver outside tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+");
    private static final List<Range> METADATA = List.of(
            Range.parse("169.254.169.254"),   // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean …
            Range.parse("fd00:ec2::254"),     // AWS over IPv6
            Range.parse("100.100.100.200"),   // Alibaba Cloud
            Range.parse("168.63.129.16"));    // Azure WireServer
    private static final List<Range> LOOPBACK = List.of(Range.parse("127.0.0.0/8"), Range.parse("::1/128"));
    private static final List<Range> UNSPECIFIED = List.of(Range.parse("0.0.0.0/8"), Range.parse("::/128"));
    private static final List<Range> LINK_LOCAL = List.of(Range.parse("169.254.0.0/16"), Range.parse("fe80::/10"));
    private static final List<Range> MULTICAST = List.of(Range.parse("224.0.0.0/4"), Range.parse("255.255.255.255/32"),
            Range.parse("ff00::/8"));

    private final List<Range> allow;
    private final List<Range> deny;
    private final Resolver resolver;

    @Autowired
    public OutboundAddresses(WebSettings settings) {
        this(settings.outbound(), InetAddress::getAllByName);
    }

    OutboundAddresses(WebSettings.Outbound settings, Resolver resolver) {
        this.allow = ranges("goldenfive.outbound.allow", settings.allow());
        this.deny = ranges("goldenfive.outbound.deny", settings.deny());
        this.resolver = resolver;
    }

    /**
     * Resolves the URI's host and returns its addresses, or throws {@link Refused} if any of them is refused.
     * Call it right before sending, and again for every redirect before following it.
     *
     * @throws UnknownHostException the host does not resolve (nothing could be sent anyway)
     */
    public List<InetAddress> check(URI uri) throws UnknownHostException {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in the URL");
        }
        // a bracketed IPv6 literal is parsed, never looked up
        boolean literal = host.startsWith("[");
        InetAddress[] addresses = literal ? new InetAddress[] {InetAddress.getByName(withoutZone(host))} : resolver.resolve(host);
        for (InetAddress address : addresses) {
            refusal(address).ifPresent(kind -> {
                throw new Refused(literal ? null : host, address, kind);
            });
        }
        return List.of(addresses);
    }

    /**
     * Refuses a URI whose host is written as an address that would be refused; a host name is left alone (no DNS
     * look-up here: what it resolves to is checked when sending). For checking URLs as they are registered.
     */
    public void checkLiteral(URI uri) {
        literal(uri.getHost()).ifPresent(address -> refusal(address).ifPresent(kind -> {
            throw new Refused(null, address, kind);
        }));
    }

    /** Why a request to this address would be refused, if it would. */
    public Optional<Kind> refusal(InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] ip = embeddedIpv4(raw);
        if (matches(deny, raw, ip)) {
            return Optional.of(Kind.DENIED);
        }
        Kind kind = builtIn(ip);
        if (kind == null) {
            return Optional.empty();
        }
        // a metadata address is let through only when named itself: allowing 169.254.0.0/16 does not
        List<Range> allowing = kind == Kind.METADATA ? allow.stream().filter(Range::single).toList() : allow;
        return matches(allowing, raw, ip) ? Optional.empty() : Optional.of(kind);
    }

    private static Kind builtIn(byte[] ip) {
        if (matches(METADATA, ip, ip)) {
            return Kind.METADATA;
        }
        if (matches(LOOPBACK, ip, ip)) {
            return Kind.LOOPBACK;
        }
        if (matches(UNSPECIFIED, ip, ip)) {
            return Kind.UNSPECIFIED;
        }
        if (matches(LINK_LOCAL, ip, ip)) {
            return Kind.LINK_LOCAL;
        }
        if (matches(MULTICAST, ip, ip)) {
            return Kind.MULTICAST;
        }
        return null;
    }

    private static boolean matches(List<Range> ranges, byte[] raw, byte[] ip) {
        return ranges.stream().anyMatch(r -> r.contains(raw) || r.contains(ip));
    }

    /** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64), else the address itself. */
    static byte[] embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        byte[] last = Arrays.copyOfRange(address, 12, 16);
        boolean zeroTo10 = Arrays.equals(address, 0, 10, new byte[10], 0, 10);
        boolean mapped = zeroTo10 && address[10] == (byte) 0xff && address[11] == (byte) 0xff;
        // ::a.b.c.d, but not :: and ::1, which are IPv6's own
        boolean compatible = zeroTo10 && address[10] == 0 && address[11] == 0
                && !(last[0] == 0 && last[1] == 0 && last[2] == 0 && (last[3] == 0 || last[3] == 1));
        boolean nat64 = address[0] == 0 && address[1] == 0x64 && address[2] == (byte) 0xff && address[3] == (byte) 0x9b
                && Arrays.equals(address, 4, 12, new byte[8], 0, 8);
        return mapped || compatible || nat64 ? last : address;
    }

    /**
     * The address a host is written as, without any look-up: a bracketed IPv6 literal, or digits and dots as the
     * C resolver reads them ({@code 2130706433}, {@code 0177.0.0.1} and {@code 127.000.000.001} are all 127.0.0.1).
     */
    private static Optional<InetAddress> literal(String host) {
        try {
            if (host == null) {
                return Optional.empty();
            }
            if (host.startsWith("[")) {
                return Optional.of(InetAddress.getByName(withoutZone(host)));
            }
            if (!NUMERIC_HOST.matcher(host).matches()) {
                return Optional.empty();
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length > 4) {
                return Optional.empty();
            }
            long[] values = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 12) {
                    return Optional.empty();
                }
                values[i] = parts[i].length() > 1 && parts[i].startsWith("0") ? Long.parseLong(parts[i], 8) : Long.parseLong(parts[i]);
            }
            // a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits)
            long value = 0;
            for (int i = 0; i < values.length - 1; i++) {
                if (values[i] > 255) {
                    return Optional.empty();
                }
                value |= values[i] << (24 - 8 * i);
            }
            long rest = values[values.length - 1];
            if (rest >= 1L << (32 - 8 * (values.length - 1))) {
                return Optional.empty();
            }
            value |= rest;
            return Optional.of(InetAddress.getByAddress(new byte[] {
                    (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}));
        }
        catch (NumberFormatException | UnknownHostException ex) {
            return Optional.empty();
        }
    }

    /** {@code [fe80::1%25eth0]} without the zone, which does not change what kind of address it is. */
    private static String withoutZone(String bracketed) {
        int zone = bracketed.indexOf('%');
        return zone < 0 ? bracketed : bracketed.substring(0, zone) + "]";
    }

    private static List<Range> ranges(String setting, List<String> values) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).map(v -> {
            try {
                return Range.parse(v);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(setting + ": '" + v + "' is not a CIDR range or address (" + ex.getMessage() + ")", ex);
            }
        }).toList();
    }

    /**
     * A CIDR range, {@code 10.0.0.0/8} or {@code fe80::/10}; a bare address is a range of one. Written as
     * literals only (checked here, so that nothing is ever looked up), matched by Spring Security's matcher.
     */
    record Range(String cidr, int bytes, boolean single, InetAddressMatcher matcher) {

        static Range parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            int bits;
            if (DOTTED_QUAD.matcher(address).matches()) {
                for (String part : address.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        throw new IllegalArgumentException(part + " is more than 255");
                    }
                }
                bits = 32;
            }
            else if (address.contains(":")) {
                try {
                    String bare = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
                    // in brackets the JDK parses it as an IPv6 literal and never looks it up
                    if (InetAddress.getByName("[" + bare + "]").getAddress().length == 4) {
                        throw new IllegalArgumentException("write IPv4-mapped ranges in IPv4 form");
                    }
                    address = bare;
                }
                catch (UnknownHostException | StringIndexOutOfBoundsException ex) {
                    throw new IllegalArgumentException("not an IPv6 address");
                }
                bits = 128;
            }
            else {
                throw new IllegalArgumentException("not an IP address");
            }
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
            }
            catch (NumberFormatException ex) {
                throw new IllegalArgumentException("the prefix length is not a number");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("the prefix length must be 0–" + bits);
            }
            return new Range(cidr, bits / 8, prefix == bits, InetAddressMatchers.fromIpAddress(address + "/" + prefix));
        }

        boolean contains(byte[] address) {
            if (address.length != bytes) {
                return false;
            }
            try {
                return matcher.matches(InetAddress.getByAddress(address));
            }
            catch (UnknownHostException notAnAddress) {
                return false;
            }
        }

        @Override
        public String toString() {
            return cidr;
        }
    }
}
