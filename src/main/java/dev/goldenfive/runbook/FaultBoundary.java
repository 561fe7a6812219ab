package dev.goldenfive.runbook;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the evidence says the fault lies. */
public enum FaultBoundary {
    @JsonProperty("local-network") LOCAL_NETWORK,
    @JsonProperty("dns") DNS,
    @JsonProperty("tls") TLS,
    @JsonProperty("remote-service") REMOTE_SERVICE,
    @JsonProperty("proxy-configuration") PROXY_CONFIGURATION;

    /** The name in JSON and in the timeline: {@code local-network}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
