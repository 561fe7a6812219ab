package dev.goldenfive.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where goldenfive may send requests of its own: webhooks, and later notifications and metric checks
 * ({@code goldenfive.outbound.*}). Loopback, link-local, cloud metadata, unspecified and multicast addresses
 * are refused by default; see {@link OutboundAddresses}.
 *
 * @param allow CIDR ranges (or single addresses) let through even though they are refused by default, such as
 *              {@code 127.0.0.1/32} for a receiver on the same host; an allowed range never lifts {@code deny}
 * @param deny  further CIDR ranges to refuse, such as a private network goldenfive has no business calling
 */
@ConfigurationProperties("goldenfive.outbound")
public record OutboundSettings(@DefaultValue List<String> allow, @DefaultValue List<String> deny) {

    public OutboundSettings {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }
}
