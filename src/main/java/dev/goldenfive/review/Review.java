package dev.goldenfive.review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.InvalidField;

/**
 * The post-incident review of one incident. It guards its own status: started and in review move freely
 * between each other; completing needs the review in review, the incident no longer open and every required
 * section written; a completed review changes only by being reopened. Every change returns what it changed,
 * field by field, for the edit history.
 */
final class Review {

    /** One field's value before and after a change. */
    record Change(Object from, Object to) {
    }

    private final long incidentId;
    private ReviewStatus status = ReviewStatus.STARTED;
    private final Map<Section, String> sections = new EnumMap<>(Section.class);
    private List<ActionItem> items = List.of();
    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;
    private String updatedBy;
    private Instant completedAt;
    private String completedBy;
    /** 0 until stored. */
    private long version;

    private Review(long incidentId) {
        this.incidentId = incidentId;
    }

    /** A review nobody has written yet. */
    static Review blank(long incidentId) {
        return new Review(incidentId);
    }

    /** A review as it was stored. */
    static Review stored(long incidentId, ReviewStatus status, Map<Section, String> sections, List<ActionItem> items,
            Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, Instant completedAt,
            String completedBy, long version) {
        Review review = new Review(incidentId);
        review.status = status;
        review.sections.putAll(sections);
        review.items = List.copyOf(items);
        review.createdAt = createdAt;
        review.createdBy = createdBy;
        review.updatedAt = updatedAt;
        review.updatedBy = updatedBy;
        review.completedAt = completedAt;
        review.completedBy = completedBy;
        review.version = version;
        return review;
    }

    /**
     * What an edit says: a null status, section or item list leaves that part as it is; an empty section
     * clears it. {@code sections} may hold the category by its label.
     */
    record Draft(ReviewStatus status, Map<Section, String> sections, List<ActionItem> items, Long version) {

        /** The sections as written, in the order of {@link Section}; a null one is left as it is. */
        static Map<Section, String> sections(String summary, String impact, String rootCause, String rootCauseCategory,
                String wentWell, String wentBadly, String contributingFactors) {
            Map<Section, String> sections = new EnumMap<>(Section.class);
            String[] texts = {summary, impact, rootCause, rootCauseCategory, wentWell, wentBadly, contributingFactors};
            for (Section section : Section.values()) {
                if (texts[section.ordinal()] != null) {
                    sections.put(section, texts[section.ordinal()]);
                }
            }
            return sections;
        }
    }

    /** Applies a draft; refused on a completed review unless the same draft reopens it. */
    Map<String, Change> edit(Draft draft, String incidentKey, Actor by, Instant now) {
        if (draft.version() != null && draft.version() != version) {
            throw new ReviewProblems.EditConflict(incidentKey, draft.version(), version, updatedBy, updatedAt);
        }
        if (draft.status() == ReviewStatus.COMPLETED && status != ReviewStatus.COMPLETED) {
            throw new InvalidField("status", "is set to completed by POST …/review/complete, which checks the required sections");
        }
        Map<String, Change> changes = new LinkedHashMap<>();
        ReviewStatus next = draft.status() == null ? status : draft.status();
        if (status == ReviewStatus.COMPLETED && next == ReviewStatus.COMPLETED) {
            if (changesAnything(draft)) {
                throw new ReviewProblems.ReviewCompleted(incidentKey);
            }
            return changes;
        }
        if (next != status) {
            changes.put("status", new Change(status.label(), next.label()));
            status = next;
            completedAt = null;
            completedBy = null;
        }
        draft.sections().forEach((section, text) -> {
            String was = sections.getOrDefault(section, "");
            if (!was.equals(text)) {
                changes.put(section.field(), new Change(was, text));
                sections.put(section, text);
            }
        });
        if (draft.items() != null && !draft.items().equals(items)) {
            changes.put("actionItems", new Change(items, draft.items()));
            items = List.copyOf(draft.items());
        }
        touch(changes, by, now);
        return changes;
    }

    private boolean changesAnything(Draft draft) {
        return draft.sections().entrySet().stream().anyMatch(e -> !sections.getOrDefault(e.getKey(), "").equals(e.getValue()))
                || (draft.items() != null && !draft.items().equals(items));
    }

    /** Completes the review; nothing changes when it is completed already. */
    Map<String, Change> complete(List<Section> required, boolean incidentOpen, String incidentKey, Actor by, Instant now) {
        if (status == ReviewStatus.COMPLETED) {
            return Map.of();
        }
        if (status != ReviewStatus.IN_REVIEW) {
            throw new ReviewProblems.NotInReview(incidentKey, status);
        }
        if (incidentOpen) {
            throw new ReviewProblems.IncidentStillOpen(incidentKey);
        }
        List<Section> missing = missing(required);
        if (!missing.isEmpty()) {
            throw new ReviewProblems.ReviewIncomplete(incidentKey, missing);
        }
        Map<String, Change> changes = new LinkedHashMap<>();
        changes.put("status", new Change(status.label(), ReviewStatus.COMPLETED.label()));
        status = ReviewStatus.COMPLETED;
        completedAt = now;
        completedBy = by.id();
        touch(changes, by, now);
        return changes;
    }

    /** The required sections that are still empty. */
    List<Section> missing(List<Section> required) {
        List<Section> missing = new ArrayList<>();
        for (Section section : required) {
            if (sections.getOrDefault(section, "").isBlank()) {
                missing.add(section);
            }
        }
        return missing;
    }

    private void touch(Map<String, Change> changes, Actor by, Instant now) {
        if (changes.isEmpty()) {
            return;
        }
        if (createdAt == null) {
            createdAt = now;
            createdBy = by.id();
        }
        updatedAt = now;
        updatedBy = by.id();
    }

    boolean stored() {
        return version > 0;
    }

    /** As stored: its new version, and its action items with the ids they were given. */
    void storedAs(long newVersion, List<ActionItem> storedItems) {
        version = newVersion;
        items = List.copyOf(storedItems);
    }

    long incidentId() { return incidentId; }
    ReviewStatus status() { return status; }
    String section(Section section) { return sections.getOrDefault(section, ""); }
    List<ActionItem> items() { return items; }
    Instant createdAt() { return createdAt; }
    String createdBy() { return createdBy; }
    Instant updatedAt() { return updatedAt; }
    String updatedBy() { return updatedBy; }
    Instant completedAt() { return completedAt; }
    String completedBy() { return completedBy; }
    long version() { return version; }
}
