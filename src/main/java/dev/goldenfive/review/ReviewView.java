package dev.goldenfive.review;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A review as clients see it. {@code version} is 0 while nobody has saved it; send it back with an edit to be
 * told (409) when someone else saved in between. {@code missing}: the required sections still empty.
 */
public record ReviewView(String incident, ReviewStatus status, String summary, String impact, String rootCause,
        String rootCauseCategory, String wentWell, String wentBadly, String contributingFactors,
        List<Item> actionItems, List<String> required, List<String> missing, Instant createdAt, String createdBy,
        Instant updatedAt, String updatedBy, Instant completedAt, String completedBy, long version) {

    public record Item(Long id, String title, String owner, LocalDate due, ActionItem.Status status, String link,
            boolean overdue) {
    }

    static ReviewView of(String key, Review review, List<Section> required, LocalDate today) {
        return new ReviewView(key, review.status(), review.section(Section.SUMMARY), review.section(Section.IMPACT),
                review.section(Section.ROOT_CAUSE), emptyToNull(review.section(Section.ROOT_CAUSE_CATEGORY)),
                review.section(Section.WENT_WELL), review.section(Section.WENT_BADLY),
                review.section(Section.CONTRIBUTING_FACTORS),
                review.items().stream().map(i -> new Item(i.id(), i.title(), i.owner(), i.due(), i.status(), i.link(),
                        i.overdue(today))).toList(),
                required.stream().map(Section::field).toList(),
                review.missing(required).stream().map(Section::field).toList(),
                review.createdAt(), review.createdBy(), review.updatedAt(), review.updatedBy(), review.completedAt(),
                review.completedBy(), review.version());
    }

    /** A section's text by its JSON name. */
    public String section(String field) {
        return switch (Section.fromField(field).orElseThrow()) {
            case SUMMARY -> summary;
            case IMPACT -> impact;
            case ROOT_CAUSE -> rootCause;
            case ROOT_CAUSE_CATEGORY -> rootCauseCategory;
            case WENT_WELL -> wentWell;
            case WENT_BADLY -> wentBadly;
            case CONTRIBUTING_FACTORS -> contributingFactors;
        };
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
