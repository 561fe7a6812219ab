package dev.goldenfive.runbook;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The path a probe took: straight to the target, through the configured proxy, through the mirror; or to a
 * known-good reference address instead of the target. {@code any} is any way to the target: not the reference.
 */
public enum Via {
    @JsonProperty("any") ANY,
    @JsonProperty("direct") DIRECT,
    @JsonProperty("proxy") PROXY,
    @JsonProperty("mirror") MIRROR,
    @JsonProperty("reference") REFERENCE
}
