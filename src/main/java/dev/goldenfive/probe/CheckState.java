package dev.goldenfive.probe;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.goldenfive.timeline.Fact;

/**
 * Where a runbook check stands on an incident's evidence, and the result that decided it.
 *
 * @param reasons why the deciding result did not pass (empty when it passed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckState(String key, String stage, String title, State state, @JsonIgnore List<Fact.Reason> reasons,
        StoredResult decidedBy) {

    /** The reasons as the API gives them: in English. */
    @JsonProperty("reasons")
    public List<String> reasonTexts() {
        return reasons.stream().map(Fact.Reason::text).toList();
    }

    public enum State {
        @JsonProperty("pending") PENDING,
        @JsonProperty("passed") PASSED,
        @JsonProperty("failed") FAILED,
        /** Every result says the probe could not run here (no ping, no connection to shake hands over). */
        @JsonProperty("not-measured") NOT_MEASURED;

        /** The name in JSON and the timeline: {@code not-measured}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
