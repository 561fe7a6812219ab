package dev.goldenfive.incident;

import java.time.Duration;
import java.time.Instant;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

/**
 * What happened to an incident, published to other modules (live pages, alerts, metrics) in the
 * transaction of the change, and recorded in the incident's timeline.
 */
public sealed interface IncidentEvent {

    IncidentKey incidentKey();

    Instant at();

    Actor actor();

    /** One line for people. */
    String summary();

    /** What the timeline records of it, for machines. */
    Fact fact();

    /** The timeline's kind of entry. */
    default String kind() {
        return fact().kind();
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

    record IncidentDeclared(IncidentKey incidentKey, Instant at, Actor actor, String title, String service,
            String environment, Severity severity, String runbookKey, int runbookVersion, Instant startedAt, boolean drill)
            implements IncidentEvent {

        public String summary() {
            return severity + (drill ? " drill" : "") + " declared: " + title + " (" + service + ", " + environment + ")";
        }

        public Fact fact() {
            return new Fact.Declared(service, environment, severity.name(), runbookKey, runbookVersion, startedAt, drill ? true : null);
        }
    }

    record IncidentAcknowledged(IncidentKey incidentKey, Instant at, Actor actor) implements IncidentEvent {

        public Fact fact() {
            return new Fact.Acknowledged();
        }

        public String summary() {
            return "Acknowledged by " + actor.id();
        }
    }

    /** The impact stopped while the incident stays open (time to mitigate). */
    record IncidentMitigated(IncidentKey incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String summary() {
            return "Mitigated" + (note == null ? "" : ": " + note);
        }

        public Fact fact() {
            return new Fact.Mitigated(note);
        }
    }

    record CommanderAssigned(IncidentKey incidentKey, Instant at, Actor actor, String commander, String previous)
            implements IncidentEvent {

        public String summary() {
            return commander + " is the incident commander";
        }

        public Fact fact() {
            return new Fact.CommanderAssigned(commander, previous);
        }
    }

    /**
     * The incident is in a new stage ({@code to} may be {@code follow-up}). For timer transitions
     * {@code deadline} is when the window ended and {@code lateness} how much later it fired.
     */
    record StageEntered(IncidentKey incidentKey, Instant at, Actor actor, String from, String to, String toTitle,
            Cause cause, Instant deadline, Duration lateness, String reason) implements IncidentEvent {

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

        public Fact fact() {
            return new Fact.StageEntered(from, to, cause.label(), deadline, lateness == null ? null : lateness.toMillis(),
                    reason);
        }
    }

    /** The last window ended with the incident still open: the golden window was missed. */
    record DeadlineMissed(IncidentKey incidentKey, Instant at, Actor actor, Instant goldenWindowEnd) implements IncidentEvent {

        public String summary() {
            return "The golden window ended with the incident still open";
        }

        public Fact fact() {
            return new Fact.GoldenWindowMissed(goldenWindowEnd);
        }
    }

    record IncidentResolved(IncidentKey incidentKey, Instant at, Actor actor, String summaryText, String stage)
            implements IncidentEvent {

        public String summary() {
            return "Resolved in " + stage + ": " + summaryText;
        }

        public Fact fact() {
            return new Fact.Resolved(stage, summaryText);
        }
    }

    record IncidentReopened(IncidentKey incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String summary() {
            return "Reopened" + (note == null ? "" : ": " + note);
        }

        public Fact fact() {
            return new Fact.Reopened(note);
        }
    }

    record IncidentClosed(IncidentKey incidentKey, Instant at, Actor actor, String note) implements IncidentEvent {

        public String summary() {
            return "Closed" + (note == null ? "" : ": " + note);
        }

        public Fact fact() {
            return new Fact.Closed(note);
        }
    }

    /** What became of one step of the runbook: done, skipped or failed, with an optional note. */
    record StepMarked(IncidentKey incidentKey, Instant at, Actor actor, String stage, String step, String stepTitle,
            StepOutcome outcome, String note) implements IncidentEvent {

        public String summary() {
            return stepTitle + ": " + outcome.label() + (note == null ? "" : " — " + note);
        }

        public Fact fact() {
            return new Fact.StepMarked(stage, step, outcome.label(), note);
        }
    }

    record NoteAdded(IncidentKey incidentKey, Instant at, Actor actor, String text) implements IncidentEvent {

        public Fact fact() {
            return new Fact.Note();
        }

        public String summary() {
            return text;
        }
    }
}
