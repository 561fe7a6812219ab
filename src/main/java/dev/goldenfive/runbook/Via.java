package dev.goldenfive.runbook;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The path a probe took: straight to the target, through the configured proxy, through the mirror. */
public enum Via {
    @JsonProperty("any") ANY,
    @JsonProperty("direct") DIRECT,
    @JsonProperty("proxy") PROXY,
    @JsonProperty("mirror") MIRROR
}
