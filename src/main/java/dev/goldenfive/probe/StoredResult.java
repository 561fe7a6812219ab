package dev.goldenfive.probe;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A probe result as goldenfive keeps it: the result (with the incident it is attached to, its path, and
 * credentials in proxy URLs masked), who sent it and when it arrived. {@code repeated} is set only in
 * answers to a post: true when the result had been stored before and this post changed nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredResult(@JsonUnwrapped ProbeResult result, String submitter, Instant receivedAt, Boolean repeated) {

    StoredResult asRepeat() {
        return new StoredResult(result, submitter, receivedAt, true);
    }
}
