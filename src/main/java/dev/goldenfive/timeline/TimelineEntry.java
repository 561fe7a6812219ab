package dev.goldenfive.timeline;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One thing that happened to an incident; never changed once written. Its {@code fact} is shown as {@code details}. */
@JsonPropertyOrder({"id", "incidentId", "at", "kind", "actor", "summary", "details"})
public record TimelineEntry(long id, long incidentId, Instant at, Actor actor, String summary,
        @JsonProperty("details") Fact fact) {

    @JsonProperty("kind")
    public String kind() {
        return fact.kind();
    }
}
