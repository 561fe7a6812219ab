package dev.goldenfive.runbook;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an agent measured; runbook checks name one of these. */
public enum ProbeType {
    @JsonProperty("icmp") ICMP,
    @JsonProperty("tcp") TCP,
    @JsonProperty("http") HTTP,
    @JsonProperty("dns") DNS,
    @JsonProperty("tls") TLS,
    @JsonProperty("goproxy") GOPROXY,
    @JsonProperty("gosumdb") GOSUMDB,
    @JsonProperty("command") COMMAND,
    /** A PromQL query goldenfive itself asks a Prometheus-compatible API while the stage is current; never an agent's. */
    @JsonProperty("metric") METRIC;

    /** The name in JSON, URLs and storage: {@code http}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
