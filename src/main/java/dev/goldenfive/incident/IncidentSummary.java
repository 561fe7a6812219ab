package dev.goldenfive.incident;

import java.time.Instant;
import java.util.List;

/** An incident in a list; {@code stageTitle} is absent in follow-up; {@code drill}: a drill, marked as one. */
public record IncidentSummary(IncidentKey key, String title, String service, String environment, Severity severity,
        IncidentStatus status, String stage, String stageTitle, Instant startedAt, Instant nextDeadlineAt, boolean acknowledged,
        String commander, Instant resolvedAt, boolean drill) {

    /** One page of a list, newest first; {@code total} counts every match. */
    public record Page(List<IncidentSummary> items, int page, int size, long total) {
    }
}
