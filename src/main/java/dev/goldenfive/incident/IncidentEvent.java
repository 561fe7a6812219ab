package dev.goldenfive.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.goldenfive.timeline.Actor;

/**
 * What happened to an incident, published to other modules (live pages, alerts, metrics) in the
 * transaction of the change, and recorded in the incident's timeline.
 */
public sealed interface IncidentEvent {

    String incidentKey();

    Instant at();

    Actor actor();

    /** The timeline's kind of entry. */
    String kind();

    /** One line for people. */
    String summary();

    /** The facts, for machines. */
    default Map<String, Object> details() {
        return Map.of();
    }

    /** Facts from name and value pairs, in that order, leaving out the values that are null. */
    private static Map<String, Object> facts(Object... namesAndValues) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                facts.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return facts;
    }

    /** How a stage was entered. */
    enum Cause {
        /** The incident was declared in this stage. */
        DECLARED,
        /** Declared with a start in the past: a window that had already ended. */
        CATCH_UP,
        /** The previous window ended. */
        TIMER,
        /** A responder moved on early. */
        ADVANCE,
        /** A resolved incident was opened again. */
        REOPEN;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    record IncidentDeclared(String incidentKey, Instant at, Actor actor, String title, String service,
            String environment, Severity severity, String runbookKey, int runbookVersion, Instant startedAt)
            implements IncidentEvent {

        public String kind() {
            return "declared";
        }

        public String summary() {
            return severity + " declared: " + title + " (" + service + ", " + environment + ")";
        }

        public Map<String, Object> details() {
            return Map.of("service", service, "environment", environment, "severity", severity.name(),
                    "runbook", runbookKey, "runbookVersion", runbookVersion, "startedAt", startedAt.toString());
        }
    }

    record IncidentAcknowledged(String incidentKey, Instant at, Actor actor) implements IncidentEvent {

        public String kind() {
            return "acknowledged";
        }

        public String summary() {
            return "Acknowledged by " + actor.id();
        }
    }

    /** The impact stopped while the incident stays open (time to mitigate). */
    record IncidentMitigated(String incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String kind() {
            return "mitigated";
        }

        public String summary() {
            return "Mitigated" + (note == null ? "" : ": " + note);
        }

        public Map<String, Object> details() {
            return facts("note", note);
        }
    }

    record CommanderAssigned(String incidentKey, Instant at, Actor actor, String commander, String previous)
            implements IncidentEvent {

        public String kind() {
            return "commander-assigned";
        }

        public String summary() {
            return commander + " is the incident commander";
        }

        public Map<String, Object> details() {
            return facts("commander", commander, "previous", previous);
        }
    }

    /**
     * The incident is in a new stage ({@code to} may be {@code follow-up}). For timer transitions
     * {@code deadline} is when the window ended and {@code lateness} how much later it fired.
     */
    record StageEntered(String incidentKey, Instant at, Actor actor, String from, String to, String toTitle,
            Cause cause, Instant deadline, Duration lateness, String reason) implements IncidentEvent {

        public String kind() {
            return "stage-entered";
        }

        public String summary() {
            String how = switch (cause) {
                case DECLARED -> "declared";
                case CATCH_UP -> "catch-up: its window had already begun when the incident was declared";
                case TIMER -> lateness == null ? "window ended"
                        : "window ended, fired " + lateness.toMillis() + " ms late";
                case ADVANCE -> "advanced early" + (reason == null ? "" : ": " + reason);
                case REOPEN -> "reopened";
            };
            return "Entered " + toTitle + " (" + how + ")";
        }

        public Map<String, Object> details() {
            return facts("from", from, "to", to, "cause", cause.label(),
                    "deadline", deadline == null ? null : deadline.toString(),
                    "latenessMs", lateness == null ? null : lateness.toMillis(), "reason", reason);
        }
    }

    /** The last window ended with the incident still open: the golden window was missed. */
    record DeadlineMissed(String incidentKey, Instant at, Actor actor, Instant goldenWindowEnd) implements IncidentEvent {

        public String kind() {
            return "golden-window-missed";
        }

        public String summary() {
            return "The golden window ended with the incident still open";
        }

        public Map<String, Object> details() {
            return Map.of("goldenWindowEnd", goldenWindowEnd.toString());
        }
    }

    record IncidentResolved(String incidentKey, Instant at, Actor actor, String summaryText, String stage)
            implements IncidentEvent {

        public String kind() {
            return "resolved";
        }

        public String summary() {
            return "Resolved in " + stage + ": " + summaryText;
        }

        public Map<String, Object> details() {
            return Map.of("stage", stage, "summary", summaryText);
        }
    }

    record IncidentReopened(String incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String kind() {
            return "reopened";
        }

        public String summary() {
            return "Reopened" + (note == null ? "" : ": " + note);
        }

        public Map<String, Object> details() {
            return facts("note", note);
        }
    }

    record IncidentClosed(String incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String kind() {
            return "closed";
        }

        public String summary() {
            return "Closed" + (note == null ? "" : ": " + note);
        }

        public Map<String, Object> details() {
            return facts("note", note);
        }
    }

    /** What became of one step of the runbook: done, skipped or failed, with an optional note. */
    record StepMarked(String incidentKey, Instant at, Actor actor, String stage, String step, String stepTitle,
            StepOutcome outcome, String note) implements IncidentEvent {

        public String kind() {
            return "step-marked";
        }

        public String summary() {
            return stepTitle + ": " + outcome.label() + (note == null ? "" : " — " + note);
        }

        public Map<String, Object> details() {
            return facts("stage", stage, "step", step, "outcome", outcome.label(), "note", note);
        }
    }

    record NoteAdded(String incidentKey, Instant at, Actor actor, String text) implements IncidentEvent {

        public String kind() {
            return "note";
        }

        public String summary() {
            return text;
        }
    }
}
