package dev.goldenfive.incident;

import java.time.Instant;

/** What other modules need to know of an incident to attach things to it (evidence, alerts, log lines). */
public record IncidentRef(long id, IncidentKey key, String title, String service, String environment, Severity severity,
        IncidentStatus status, Instant startedAt, Instant acknowledgedAt, Instant resolvedAt, String commander,
        long runbookVersionId) {
}
