package dev.goldenfive.incident;

import java.time.Instant;
import java.util.Map;

/**
 * What other modules need to know of an incident to attach things to it (evidence, alerts, log lines).
 *
 * @param stage   the runbook stage it is in as it was read ({@code follow-up} after the last)
 * @param context what the probes need to know, given when it was declared ({@code goproxy}, {@code module}…)
 * @param drill   the scenario when the incident is a drill, else null
 */
public record IncidentRef(long id, IncidentKey key, String title, String service, String environment, Severity severity,
        IncidentStatus status, Instant startedAt, Instant acknowledgedAt, Instant resolvedAt, String commander,
        long runbookVersionId, String stage, Map<String, String> context, Drill drill) {

    public boolean isDrill() {
        return drill != null;
    }
}
