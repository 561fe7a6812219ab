package dev.goldenfive.incident;

import dev.goldenfive.timeline.TimelineEntry;

/** Another module recorded what it found out about an incident (a diagnosis, an alert, a pinned line). */
public record FindingRecorded(IncidentRef incident, TimelineEntry entry) {
}
