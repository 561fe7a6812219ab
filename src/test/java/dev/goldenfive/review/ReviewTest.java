package dev.goldenfive.review;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.InvalidField;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The review's own rules: how its status moves, what completing needs, what every change reports. */
class ReviewTest {

    static final List<Section> REQUIRED = List.of(Section.SUMMARY, Section.IMPACT, Section.ROOT_CAUSE,
            Section.ROOT_CAUSE_CATEGORY);

    final Instant now = Instant.parse("2026-11-20T12:00:00Z");
    final Actor carol = Actor.user("carol");
    final Review review = Review.blank(7);

    @Test
    void anEditReportsEachChangedFieldWithItsValueBeforeAndAfterAndWhoWroteItFirst() {
        var changes = review.edit(draft(null, Map.of(Section.SUMMARY, "DNS failed", Section.IMPACT, "")), "INC-7", carol, now);

        assertThat(changes).containsOnlyKeys("summary");
        assertThat(changes.get("summary")).isEqualTo(new Review.Change("", "DNS failed"));
        assertThat(review.createdBy()).isEqualTo("carol");
        assertThat(review.updatedAt()).isEqualTo(now);
        assertThat(review.edit(draft(null, Map.of(Section.SUMMARY, "DNS failed")), "INC-7", carol, now))
                .as("the same text again changes nothing").isEmpty();
    }

    @Test
    void completingIsRefusedUntilTheReviewIsInReviewTheIncidentResolvedAndEveryRequiredSectionWritten() {
        assertThatThrownBy(() -> review.complete(REQUIRED, false, "INC-7", carol, now))
                .isInstanceOf(ReviewProblems.NotInReview.class);

        review.edit(draft(ReviewStatus.IN_REVIEW, Map.of(Section.SUMMARY, "DNS failed")), "INC-7", carol, now);
        assertThatThrownBy(() -> review.complete(REQUIRED, true, "INC-7", carol, now))
                .isInstanceOf(ReviewProblems.IncidentStillOpen.class);
        assertThatThrownBy(() -> review.complete(REQUIRED, false, "INC-7", carol, now))
                .isInstanceOfSatisfying(ReviewProblems.ReviewIncomplete.class, refused -> {
                    assertThat(refused.missing()).containsExactly(Section.IMPACT, Section.ROOT_CAUSE, Section.ROOT_CAUSE_CATEGORY);
                    assertThat(refused.getStatusCode().value()).isEqualTo(409);
                });

        review.edit(draft(null, Map.of(Section.IMPACT, "builds failed", Section.ROOT_CAUSE, "resolver",
                Section.ROOT_CAUSE_CATEGORY, "dns")), "INC-7", carol, now);
        var changes = review.complete(REQUIRED, false, "INC-7", carol, now.plusSeconds(5));

        assertThat(changes.get("status")).isEqualTo(new Review.Change("in-review", "completed"));
        assertThat(review.status()).isEqualTo(ReviewStatus.COMPLETED);
        assertThat(review.completedBy()).isEqualTo("carol");
        assertThat(review.complete(REQUIRED, false, "INC-7", carol, now)).as("completing twice changes nothing").isEmpty();
    }

    @Test
    void aCompletedReviewChangesOnlyByBeingReopened() {
        completed();

        assertThatThrownBy(() -> review.edit(draft(null, Map.of(Section.SUMMARY, "other")), "INC-7", carol, now))
                .isInstanceOf(ReviewProblems.ReviewCompleted.class);
        var changes = review.edit(draft(ReviewStatus.IN_REVIEW, Map.of(Section.SUMMARY, "other")), "INC-7", carol, now);

        assertThat(changes).containsKeys("status", "summary");
        assertThat(review.status()).isEqualTo(ReviewStatus.IN_REVIEW);
        assertThat(review.completedAt()).isNull();
    }

    @Test
    void statusCompletedIsNotSetByAnEditAndAStaleVersionIsAConflict() {
        assertThatThrownBy(() -> review.edit(draft(ReviewStatus.COMPLETED, Map.of()), "INC-7", carol, now))
                .isInstanceOfSatisfying(InvalidField.class, invalid -> assertThat(invalid.field()).isEqualTo("status"));
        review.storedAs(3, List.of());
        assertThatThrownBy(() -> review.edit(new Review.Draft(null, Map.of(), null, 2L), "INC-7", carol, now))
                .isInstanceOf(ReviewProblems.EditConflict.class);
    }

    @Test
    void actionItemsAreReplacedAsAWholeListAndOverdueOnlyWhileNotDone() {
        var item = new ActionItem(null, "Pin GOPROXY", "dave", LocalDate.of(2026, 11, 1), ActionItem.Status.OPEN, null);
        var changes = review.edit(new Review.Draft(null, Map.of(), List.of(item), null), "INC-7", carol, now);

        assertThat(changes).containsKey("actionItems");
        assertThat(review.items()).containsExactly(item);
        assertThat(item.overdue(LocalDate.of(2026, 11, 2))).isTrue();
        assertThat(item.overdue(LocalDate.of(2026, 11, 1))).as("due today").isFalse();
        assertThat(new ActionItem(null, "x", null, LocalDate.of(2026, 11, 1), ActionItem.Status.DONE, null)
                .overdue(LocalDate.of(2026, 12, 1))).isFalse();
    }

    private void completed() {
        review.edit(draft(ReviewStatus.IN_REVIEW, Map.of(Section.SUMMARY, "s", Section.IMPACT, "i", Section.ROOT_CAUSE, "r",
                Section.ROOT_CAUSE_CATEGORY, "dns")), "INC-7", carol, now);
        review.complete(REQUIRED, false, "INC-7", carol, now);
    }

    private static Review.Draft draft(ReviewStatus status, Map<Section, String> sections) {
        Map<Section, String> copy = new EnumMap<>(Section.class);
        copy.putAll(sections);
        return new Review.Draft(status, copy, null, null);
    }
}
