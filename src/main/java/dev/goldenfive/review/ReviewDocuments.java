package dev.goldenfive.review;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentView;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;

/** Everything a review page or export shows of an incident, read in one transaction. */
@Component
@Transactional(readOnly = true)
class ReviewDocuments {

    /** Most timeline entries an export holds. */
    static final int MAX_EXPORTED_ENTRIES = 20_000;

    record Document(IncidentRef ref, IncidentView incident, Runbook runbook, IncidentFigures figures, ReviewView review,
            Instant now) {
    }

    private final Incidents incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final Reviews reviews;
    private final Clock clock;

    ReviewDocuments(Incidents incidents, Runbooks runbooks, Timeline timeline, Reviews reviews, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.reviews = reviews;
        this.clock = clock;
    }

    /** A document and the whole timeline, oldest first, up to {@link #MAX_EXPORTED_ENTRIES} entries. */
    record Export(Document document, List<TimelineEntry> timeline) {
    }

    Document of(String key) {
        IncidentRef ref = incidents.require(key);
        return document(ref, IncidentFigures.entries(timeline, ref.id()));
    }

    /** Read once: the figures come from the same entries when the export holds them all. */
    Export export(String key) {
        IncidentRef ref = incidents.require(key);
        List<TimelineEntry> all = timeline.all(ref.id(), List.of(), MAX_EXPORTED_ENTRIES);
        return new Export(document(ref, all.size() < MAX_EXPORTED_ENTRIES ? all : IncidentFigures.entries(timeline, ref.id())), all);
    }

    /** {@code entries}: the incident's timeline, at least its entries of {@link IncidentFigures#KINDS}. */
    private Document document(IncidentRef ref, List<TimelineEntry> entries) {
        Runbook runbook = runbooks.require(ref.runbookVersionId());
        Instant now = clock.instant();
        return new Document(ref, incidents.view(ref.key()), runbook, IncidentFigures.of(ref.startedAt(), runbook, entries, now),
                reviews.view(ref), now);
    }
}
