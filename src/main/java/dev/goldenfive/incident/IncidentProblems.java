package dev.goldenfive.incident;

import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The typed errors of incidents; each answers as problem+json on the API. */
public final class IncidentProblems {

    private IncidentProblems() {
    }

    public static class IncidentNotFound extends ErrorResponseException {
        public IncidentNotFound(String key) {
            super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No incident " + key + "."), null);
        }
    }

    public static class StepNotFound extends ErrorResponseException {
        StepNotFound(String key, String stage, String step) {
            super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                    "The runbook of " + key + " has no step '" + step + "' in '" + stage + "'."), null);
        }
    }

    /** Steps are marked while an incident is open. */
    public static class NotOpen extends ErrorResponseException {
        NotOpen(String key, IncidentStatus status) {
            super(HttpStatus.CONFLICT, ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    key + " is " + status + "; steps are marked while it is OPEN."), null);
        }
    }

    /** 409 with the actions that are allowed instead. */
    public static class ActionNotAllowed extends ErrorResponseException {

        private final Set<IncidentAction> allowed;

        ActionNotAllowed(String key, IncidentAction action, IncidentStatus status, Set<IncidentAction> allowed) {
            super(HttpStatus.CONFLICT, problem(key, action, status, allowed), null);
            this.allowed = allowed;
        }

        public Set<IncidentAction> allowed() {
            return allowed;
        }

        private static ProblemDetail problem(String key, IncidentAction action, IncidentStatus status,
                Set<IncidentAction> allowed) {
            List<String> names = allowed.stream().map(IncidentAction::path).toList();
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "'" + action.path()
                    + "' is not allowed on " + key + " while it is " + status + (names.isEmpty() ? "; nothing is."
                    : "; allowed: " + String.join(", ", names) + "."));
            problem.setTitle("Action not allowed");
            problem.setProperty("action", action.path());
            // "status" is the HTTP status in a problem (RFC 9457)
            problem.setProperty("incidentStatus", status.name());
            problem.setProperty("allowed", names);
            return problem;
        }
    }
}
