package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

import dev.goldenfive.incident.IncidentEvent.Cause;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Actor;

/**
 * An incident walking its runbook's stages against the clock. It guards its own transitions: each action
 * checks that it is allowed in the current state (else {@link IncidentProblems.ActionNotAllowed}), changes
 * the state and records what happened as {@link IncidentEvent}s. Stage windows are measured from
 * {@code startedAt} (t0), so moving on early never moves a later deadline.
 */
@Entity
@Table(name = "incident")
class Incident {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long number;
    private String title;
    private String service;
    private String environment;
    @Convert(converter = IncidentContext.class)
    private Map<String, String> context = Map.of();
    @Convert(converter = Drill.Column.class)
    private Drill drill;
    @Enumerated(EnumType.STRING)
    private Severity severity;
    private long runbookVersionId;
    private Instant startedAt;
    private Instant declaredAt;
    private String declaredBy;
    private Instant acknowledgedAt;
    private String acknowledgedBy;
    private Instant mitigatedAt;
    private String commander;
    @Enumerated(EnumType.STRING)
    private IncidentStatus status;
    private String stage;
    private Instant stageEnteredAt;
    private Instant nextDeadlineAt;
    private Instant resolvedAt;
    private String resolutionSummary;
    private Instant closedAt;
    @Version
    private long version;

    @Transient
    private final List<IncidentEvent> events = new ArrayList<>();

    protected Incident() {
    }

    /** The time now as the incident's times are kept: to the microsecond, as PostgreSQL stores them. */
    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A new incident in its runbook's first stage, started at {@code startedAt}; windows that ended before
     * {@code now} are entered at once, each recorded as catch-up.
     */
    static Incident declare(long number, String title, String service, String environment, Severity severity,
            Map<String, String> context, Drill drill, long runbookVersionId, String runbookKey, int runbookVersion, Runbook runbook,
            Instant startedAt, Actor by, Instant now) {
        Incident incident = new Incident();
        incident.context = Map.copyOf(context);
        incident.drill = drill;
        incident.number = number;
        incident.title = title;
        incident.service = service;
        incident.environment = environment;
        incident.severity = severity;
        incident.runbookVersionId = runbookVersionId;
        incident.startedAt = startedAt;
        incident.declaredAt = now;
        incident.declaredBy = by.id();
        incident.status = IncidentStatus.OPEN;
        incident.events.add(new IncidentEvent.IncidentDeclared(incident.key(), now, by, title, service, environment,
                severity, runbookKey, runbookVersion, startedAt, drill != null));
        Runbook.Stage first = runbook.stages().getFirst();
        incident.enter(first, startedAt, Cause.DECLARED, by, now, null, null);
        incident.passDeadlines(runbook, now, Cause.CATCH_UP, by);
        return incident;
    }

    IncidentKey key() {
        return new IncidentKey(number);
    }

    /** What may be done now; anything else is refused with this list. */
    Set<IncidentAction> allowedActions() {
        return switch (status) {
            case OPEN -> {
                Set<IncidentAction> allowed = EnumSet.of(IncidentAction.ASSIGN_COMMANDER, IncidentAction.RESOLVE);
                if (acknowledgedAt == null) {
                    allowed.add(IncidentAction.ACKNOWLEDGE);
                }
                if (mitigatedAt == null) {
                    allowed.add(IncidentAction.MITIGATE);
                }
                if (!inFollowUp()) {
                    allowed.add(IncidentAction.ADVANCE);
                }
                yield allowed;
            }
            case RESOLVED -> EnumSet.of(IncidentAction.REOPEN, IncidentAction.CLOSE, IncidentAction.ASSIGN_COMMANDER);
            case CLOSED -> EnumSet.noneOf(IncidentAction.class);
        };
    }

    void acknowledge(Actor by, Instant now) {
        require(IncidentAction.ACKNOWLEDGE);
        acknowledgedAt = now;
        acknowledgedBy = by.id();
        events.add(new IncidentEvent.IncidentAcknowledged(key(), now, by));
    }

    /** The impact has stopped (a workaround holds) though the cause may not be fixed yet. */
    void mitigate(String note, Actor by, Instant now) {
        require(IncidentAction.MITIGATE);
        mitigatedAt = now;
        events.add(new IncidentEvent.IncidentMitigated(key(), now, by, note));
    }

    void assignCommander(String username, Actor by, Instant now) {
        require(IncidentAction.ASSIGN_COMMANDER);
        if (username.equals(commander)) {
            return;
        }
        String previous = commander;
        commander = username;
        events.add(new IncidentEvent.CommanderAssigned(key(), now, by, username, previous));
    }

    /** Moves on to the next stage before its window begins (or to follow-up from the last one). */
    void advance(Runbook runbook, String reason, Actor by, Instant now) {
        require(IncidentAction.ADVANCE);
        if (reason == null) {
            throw new IncidentProblems.InvalidInput("reason", "must say why the incident moves on early", "incident.invalid.reason");
        }
        enter(runbook.next(stage).orElse(null), now, Cause.ADVANCE, by, now, null, reason);
    }

    void resolve(String summary, Actor by, Instant now) {
        require(IncidentAction.RESOLVE);
        if (summary == null) {
            throw new IncidentProblems.InvalidInput("summary", "must say how it was resolved", "incident.invalid.summary");
        }
        status = IncidentStatus.RESOLVED;
        resolvedAt = now;
        resolutionSummary = summary;
        nextDeadlineAt = null;
        events.add(new IncidentEvent.IncidentResolved(key(), now, by, summary, stage));
    }

    /**
     * Open again, in the stage whose window holds the present, or the stage it was in if a responder had
     * moved on further than that (follow-up when every window is over).
     */
    void reopen(Runbook runbook, String note, Actor by, Instant now) {
        require(IncidentAction.REOPEN);
        status = IncidentStatus.OPEN;
        resolvedAt = null;
        resolutionSummary = null;
        // the impact is back: it can be mitigated again (the timeline keeps the first mitigation)
        mitigatedAt = null;
        events.add(new IncidentEvent.IncidentReopened(key(), now, by, note));
        long elapsed = Math.max(0, Duration.between(startedAt, now).toSeconds());
        var present = runbook.stageAt(elapsed);
        if (present.isEmpty()) {
            if (!inFollowUp()) {
                enter(null, now, Cause.REOPEN, by, now, null, null);
            }
        }
        else if (runbook.stages().indexOf(present.get()) > indexOf(runbook, stage)) {
            enter(present.get(), now, Cause.REOPEN, by, now, null, null);
        }
        else {
            nextDeadlineAt = inFollowUp() ? null : startedAt.plusSeconds(runbook.stage(stage).endSeconds());
        }
    }

    private static int indexOf(Runbook runbook, String stageKey) {
        return Runbook.FOLLOW_UP.equals(stageKey) ? runbook.stages().size()
                : runbook.stages().indexOf(runbook.stage(stageKey));
    }

    void close(String note, Actor by, Instant now) {
        require(IncidentAction.CLOSE);
        status = IncidentStatus.CLOSED;
        closedAt = now;
        events.add(new IncidentEvent.IncidentClosed(key(), now, by, note));
    }

    /** Records what became of a step of any stage while the incident is open. */
    void markStep(Runbook runbook, String stageKey, String stepKey, StepOutcome outcome, String note, Actor by,
            Instant now) {
        if (status != IncidentStatus.OPEN) {
            throw new IncidentProblems.NotOpen(key(), status);
        }
        Runbook.Step step = runbook.step(stageKey, stepKey)
                .orElseThrow(() -> new IncidentProblems.StepNotFound(key(), stageKey, stepKey));
        events.add(new IncidentEvent.StepMarked(key(), now, by, stageKey, stepKey, step.title(), outcome, note));
    }

    void addNote(String text, Actor by, Instant now) {
        events.add(new IncidentEvent.NoteAdded(key(), now, by, text));
    }

    /**
     * The timer's transition: enters every stage whose window has begun by {@code now}, each recorded with
     * how late it fired. Does nothing when no deadline is due (another replica was first, or a person acted).
     */
    boolean fireDeadlines(Runbook runbook, Instant now) {
        return passDeadlines(runbook, now, Cause.TIMER, Actor.TIMER);
    }

    private boolean passDeadlines(Runbook runbook, Instant now, Cause cause, Actor by) {
        boolean fired = false;
        while (status == IncidentStatus.OPEN && nextDeadlineAt != null && !nextDeadlineAt.isAfter(now)) {
            Instant deadline = nextDeadlineAt;
            Duration lateness = cause == Cause.TIMER ? Duration.between(deadline, now) : null;
            var next = runbook.next(stage);
            enter(next.orElse(null), deadline, cause, by, now, lateness, null);
            if (next.isEmpty()) {
                events.add(new IncidentEvent.DeadlineMissed(key(), now, by, deadline));
            }
            fired = true;
        }
        return fired;
    }

    /**
     * Into stage {@code to}, or follow-up when it is null. Timer and catch-up entries record the deadline that
     * was passed: the moment the stage was entered.
     */
    private void enter(Runbook.Stage to, Instant enteredAt, Cause cause, Actor by, Instant now, Duration lateness,
            String reason) {
        String from = stage;
        Instant deadline = cause == Cause.TIMER || cause == Cause.CATCH_UP ? enteredAt : null;
        stage = to == null ? Runbook.FOLLOW_UP : to.key();
        stageEnteredAt = enteredAt;
        nextDeadlineAt = to == null ? null : startedAt.plusSeconds(to.endSeconds());
        events.add(new IncidentEvent.StageEntered(key(), now, by, from, stage, to == null ? "follow-up" : to.title(),
                cause, deadline, lateness, reason));
    }

    private boolean inFollowUp() {
        return Runbook.FOLLOW_UP.equals(stage);
    }

    private void require(IncidentAction action) {
        Set<IncidentAction> allowed = allowedActions();
        if (!allowed.contains(action)) {
            throw new IncidentProblems.ActionNotAllowed(key(), action, status, allowed);
        }
    }

    /** The events since the last call, in order; the caller records and publishes them. */
    List<IncidentEvent> takeEvents() {
        List<IncidentEvent> taken = List.copyOf(events);
        events.clear();
        return taken;
    }

    Long id() { return id; }
    String title() { return title; }
    String service() { return service; }
    String environment() { return environment; }
    Map<String, String> context() { return context; }
    Drill drill() { return drill; }
    Severity severity() { return severity; }
    long runbookVersionId() { return runbookVersionId; }
    Instant startedAt() { return startedAt; }
    Instant declaredAt() { return declaredAt; }
    String declaredBy() { return declaredBy; }
    Instant acknowledgedAt() { return acknowledgedAt; }
    String acknowledgedBy() { return acknowledgedBy; }
    Instant mitigatedAt() { return mitigatedAt; }
    String commander() { return commander; }
    IncidentStatus status() { return status; }
    String stage() { return stage; }
    Instant stageEnteredAt() { return stageEnteredAt; }
    Instant nextDeadlineAt() { return nextDeadlineAt; }
    Instant resolvedAt() { return resolvedAt; }
    String resolutionSummary() { return resolutionSummary; }
    Instant closedAt() { return closedAt; }
}
