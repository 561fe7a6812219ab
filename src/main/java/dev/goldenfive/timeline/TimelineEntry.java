package dev.goldenfive.timeline;

import java.time.Instant;
import java.util.Map;

/** One thing that happened to an incident; never changed once written. */
public record TimelineEntry(long id, long incidentId, Instant at, String kind, Actor actor, String summary,
        Map<String, Object> details) {
}
