package dev.goldenfive.review;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The typed errors of reviews; each answers as problem+json on the API and as the form's message on the page. */
public final class ReviewProblems {

    private ReviewProblems() {
    }

    /**
     * The detail in the reader's language, where the messages have it ({@code review.problem.<name>}, with the
     * arguments given here); the English detail otherwise, as the API has always said it.
     */
    static final String MESSAGES = "review.problem.";

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    /** 409: required sections are empty; {@code errors} names each, as for any wrong field. */
    public static class ReviewIncomplete extends ErrorResponseException {

        private final List<Section> missing;

        ReviewIncomplete(String key, List<Section> missing) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Review incomplete", "The review of " + key
                    + " cannot be completed while these required sections are empty: "
                    + String.join(", ", missing.stream().map(Section::field).toList()) + "."), null);
            getBody().setProperty("missing", missing.stream().map(Section::field).toList());
            getBody().setProperty("errors", missing.stream()
                    .map(s -> Map.of("field", s.field(), "message", "is required to complete the review")).toList());
            this.missing = List.copyOf(missing);
        }

        public List<Section> missing() {
            return missing;
        }
    }

    public static class ReviewCompleted extends ErrorResponseException {
        ReviewCompleted(String key) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Review completed", "The review of " + key
                    + " is completed; set its status to in-review (in the same request, if you like) to change it."), null,
                    MESSAGES + "completed", new Object[] {key});
        }
    }

    public static class NotInReview extends ErrorResponseException {
        NotInReview(String key, ReviewStatus status) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Review not in review", "The review of " + key
                    + " is " + status.label() + "; it is completed from in-review (set status to in-review first)."), null,
                    MESSAGES + "notInReview", new Object[] {key, new DefaultMessageSourceResolvable("review.status." + status.label())});
            getBody().setProperty("reviewStatus", status.label());
        }
    }

    public static class IncidentStillOpen extends ErrorResponseException {
        IncidentStillOpen(String key) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Incident still open", key
                    + " is still open; its review is completed once it is resolved."), null,
                    MESSAGES + "incidentOpen", new Object[] {key});
        }
    }

    /**
     * 409: someone else saved the review after the version the caller read. The API says it in English; the page in
     * the reader's language ({@code review.problem.conflict} with the {@linkplain #getDetailMessageArguments() arguments}
     * key, who, " at" when, the version read and the current one).
     */
    public static class EditConflict extends ErrorResponseException {
        EditConflict(String key, long sent, long current, String updatedBy, Instant updatedAt) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Edit conflict", "The review of " + key
                    + " was changed by " + updatedBy + (updatedAt == null ? "" : " at " + updatedAt) + " after version " + sent
                    + " was read; it is at version " + current + ". Read it again and apply your changes to that."), null, null,
                    new Object[] {key, updatedBy, updatedAt == null ? "" : " at " + updatedAt, sent, current});
            getBody().setProperty("version", current);
        }
    }

    /** 403: a responder edits the reviews of the incidents they worked on. */
    public static class NotYourIncident extends ErrorResponseException {
        NotYourIncident(String key, String username) {
            super(HttpStatus.FORBIDDEN, problem(HttpStatus.FORBIDDEN, "Not allowed", username
                    + " did not work on " + key + ": its review is edited by managers, administrators and the"
                    + " responders who appear in its timeline or command it."), null);
        }
    }

    /** 409 on closing: the incident's review must be completed first. */
    public static class ReviewNeeded extends ErrorResponseException {
        ReviewNeeded(String key, ReviewStatus status) {
            super(HttpStatus.CONFLICT, problem(HttpStatus.CONFLICT, "Review needed", key + " is closed once its"
                    + " post-incident review is completed; " + (status == null ? "nobody has written it yet"
                    : "the review is " + status.label()) + ". Write it at /incidents/" + key + "/review."), null,
                    MESSAGES + (status == null ? "needed.unwritten" : "needed"), status == null ? new Object[] {key}
                            : new Object[] {key, new DefaultMessageSourceResolvable("review.status." + status.label())});
            getBody().setProperty("reviewStatus", status == null ? null : status.label());
            // where to go from the refusal: the incident page links it
            getBody().setProperty("see", "/incidents/" + key + "/review");
        }
    }
}
