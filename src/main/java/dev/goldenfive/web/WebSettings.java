package dev.goldenfive.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the whole site ({@code goldenfive.*}): its address, request sizes, and where it may send
 * requests of its own. The web module's one settings record; it binds these keys only, so the other
 * modules' {@code goldenfive.<module>.*} records are untouched.
 *
 * @param baseUrl         the address people and agents reach goldenfive at ({@code https://goldenfive.example.com});
 *                        every absolute link and the agent command are made from it, never from a request's
 *                        {@code Host} header; application.yaml sets {@code http://localhost:<server.port>}
 * @param maxRequestBody  the largest request body outside the ingest paths (which have their own limits)
 * @param outbound        where goldenfive may send requests of its own
 * @param shutdownDrain   after SIGTERM, how long readiness says DOWN while requests are still served, so that a
 *                        load balancer stops sending new ones before the server stops taking them
 */
@Validated
@ConfigurationProperties("goldenfive")
public record WebSettings(
        @NotNull URI baseUrl,
        @NotNull @DefaultValue("1MB") DataSize maxRequestBody,
        @Valid @NotNull @DefaultValue Outbound outbound,
        @NotNull @DefaultValue("5s") Duration shutdownDrain) {

    @AssertTrue(message = "goldenfive.base-url must be an absolute http(s) URL without a query, such as https://goldenfive.example.com")
    public boolean isBaseUrlUsable() {
        return baseUrl == null || (("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
                && baseUrl.getHost() != null && baseUrl.getQuery() == null && baseUrl.getFragment() == null);
    }

    @AssertTrue(message = "goldenfive.max-request-body must be between 1KB and 100MB")
    public boolean isMaxRequestBodyUsable() {
        return maxRequestBody == null || (maxRequestBody.toBytes() >= 1024 && maxRequestBody.toBytes() <= 100L * 1024 * 1024);
    }

    /** The base URL without a trailing slash, so that paths ({@code /agent/…}) can follow it. */
    public String base() {
        String text = baseUrl.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Where goldenfive may send requests of its own: webhooks, and later notifications and metric checks
     * ({@code goldenfive.outbound.*}). Loopback, link-local, cloud metadata, unspecified and multicast addresses
     * are refused by default; see {@link OutboundAddresses}.
     *
     * @param allow CIDR ranges (or single addresses) let through even though they are refused by default, such as
     *              {@code 127.0.0.1/32} for a receiver on the same host; an allowed range never lifts {@code deny}
     * @param deny  further CIDR ranges to refuse, such as a private network goldenfive has no business calling
     */
    public record Outbound(@DefaultValue List<String> allow, @DefaultValue List<String> deny) {

        public Outbound {
            allow = allow == null ? List.of() : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
        }
    }
}
