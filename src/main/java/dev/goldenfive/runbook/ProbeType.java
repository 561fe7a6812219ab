package dev.goldenfive.runbook;

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
    @JsonProperty("command") COMMAND
}
