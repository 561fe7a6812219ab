package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.runbook.RunbookVersion;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.security.UserView;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * Everything that changes incidents: declaring one, acting on it, marking steps, notes, and the facts other
 * modules find out. Every change takes the incident's row lock, so people and the timers never act on the
 * same incident at once, and is recorded in the timeline and published as an {@link IncidentEvent} in the
 * same transaction.
 */
@Service
@Transactional
public class IncidentCommands {

    /** The runbook an incident follows when the declaration names none. */
    public static final String DEFAULT_RUNBOOK = "go-module-download";
    /** Clocks disagree a little; a start further ahead than this is a mistake. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** The earliest start a declaration may give, back from now. */
    public static final Duration OLDEST_START = Duration.ofDays(30);
    static final int MAX_SUMMARY = 2000;

    private final IncidentRepository incidents;
    private final Incidents reads;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final UserAccounts accounts;
    private final ApplicationEventPublisher publisher;
    private final IncidentChanges changes;
    private final JdbcClient jdbc;
    private final ObjectProvider<CloseCondition> closeConditions;
    private final Clock clock;

    IncidentCommands(IncidentRepository incidents, Incidents reads, Runbooks runbooks, Timeline timeline,
            UserAccounts accounts, ApplicationEventPublisher publisher, IncidentChanges changes, JdbcClient jdbc,
            ObjectProvider<CloseCondition> closeConditions, Clock clock) {
        this.incidents = incidents;
        this.reads = reads;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.accounts = accounts;
        this.publisher = publisher;
        this.changes = changes;
        this.jdbc = jdbc;
        this.closeConditions = closeConditions;
        this.clock = clock;
    }

    /** What a declaration says; {@code runbook}, {@code runbookVersion}, {@code startedAt} and {@code commander} may be absent. */
    /**
     * @param context what the probes need to know: {@code goproxy} (the module proxy the incident is about), {@code module}…
     * @param drill   the scenario of a drill, or null for a real incident
     */
    public record Declaration(String title, String service, String environment, Severity severity, String runbook,
            Integer runbookVersion, Instant startedAt, String commander, Map<String, String> context, Drill drill) {

        public Declaration {
            context = context == null ? Map.of() : context;
        }

        public Declaration(String title, String service, String environment, Severity severity, String runbook,
                Integer runbookVersion, Instant startedAt, String commander) {
            this(title, service, environment, severity, runbook, runbookVersion, startedAt, commander, Map.of(), null);
        }
    }

    /** The optional words that go with an action: a note, the resolution summary, a reason, the commander. */
    public record ActionInput(String note, String summary, String reason, String commander) {

        public static final ActionInput NONE = new ActionInput(null, null, null, null);
    }

    public IncidentView declare(Declaration declaration, Actor by) {
        Instant now = Incident.now(clock);
        String runbookKey = declaration.runbook() == null || declaration.runbook().isBlank()
                ? DEFAULT_RUNBOOK : declaration.runbook();
        RunbookVersion version = (declaration.runbookVersion() == null
                ? runbooks.latest(runbookKey) : runbooks.version(runbookKey, declaration.runbookVersion()))
                .orElseThrow(() -> declaration.runbookVersion() == null
                        ? new IncidentProblems.InvalidInput("runbook", "'" + runbookKey + "' is not a runbook", "incident.invalid.runbook", runbookKey)
                        : new IncidentProblems.InvalidInput("runbookVersion", "runbook '" + runbookKey + "' has no version "
                                + declaration.runbookVersion(), "incident.invalid.runbookVersion", runbookKey,
                                declaration.runbookVersion()));
        Instant startedAt = declaration.startedAt() == null ? now : declaration.startedAt().truncatedTo(ChronoUnit.MICROS);
        if (startedAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new IncidentProblems.InvalidInput("startedAt", "must not be in the future", "incident.invalid.future");
        }
        if (startedAt.isBefore(now.minus(OLDEST_START))) {
            throw new IncidentProblems.InvalidInput("startedAt", "must be within the last " + OLDEST_START.toDays() + " days",
                    "incident.invalid.tooOld", OLDEST_START.toDays());
        }
        IncidentContext.check(declaration.context());
        Drill drill = declaration.drill();
        if (drill != null) {
            drill.check();
            drill.participants().forEach(person -> requireUser("drill.participants", person));
        }
        String commander = declaration.commander() == null ? null : requireUser("commander", declaration.commander());
        long number = jdbc.sql("select nextval('incident_number_seq')").query(Long.class).single();
        Incident incident = Incident.declare(number, declaration.title().strip(), declaration.service().strip(),
                declaration.environment().strip(), declaration.severity(), declaration.context(), drill, version.id(), version.key(), version.version(),
                version.runbook(), startedAt, by, now);
        if (commander != null) {
            incident.assignCommander(commander, by, now);
        }
        incidents.saveAndFlush(incident);
        recordEvents(incident);
        return IncidentView.of(incident, version, List.of(), now);
    }

    public IncidentView act(IncidentKey key, IncidentAction action, ActionInput input, Actor by) {
        Incident incident = lock(key);
        RunbookVersion version = reads.runbook(incident);
        Instant now = Incident.now(clock);
        ActionInput words = input == null ? ActionInput.NONE : input;
        // a deadline that is due but not yet fired happened first: the action applies to the stage after it
        incident.fireDeadlines(version.runbook(), now);
        switch (action) {
            case ACKNOWLEDGE -> incident.acknowledge(by, now);
            case MITIGATE -> incident.mitigate(blankToNull(words.note()), by, now);
            case ASSIGN_COMMANDER -> incident.assignCommander(requireUser("commander", words.commander()), by, now);
            case ADVANCE -> incident.advance(version.runbook(), blankToNull(words.reason()), by, now);
            case RESOLVE -> incident.resolve(blankToNull(words.summary()), by, now);
            case REOPEN -> incident.reopen(version.runbook(), blankToNull(words.note()), by, now);
            case CLOSE -> {
                if (incident.allowedActions().contains(IncidentAction.CLOSE)) {
                    IncidentRef ref = Incidents.ref(incident);
                    // asked lazily: the modules that set conditions depend on this service
                    closeConditions.orderedStream().forEach(condition -> condition.check(ref));
                }
                incident.close(blankToNull(words.note()), by, now);
            }
        }
        recordEvents(incident);
        return reads.view(incident, version, now);
    }

    public TimelineEntry markStep(IncidentKey key, String stage, String step, StepOutcome outcome, String note, Actor by) {
        Incident incident = lock(key);
        incident.markStep(reads.runbook(incident).runbook(), stage, step, outcome, blankToNull(note), by, Incident.now(clock));
        return recordEvents(incident).getLast();
    }

    public TimelineEntry addNote(IncidentKey key, String text, Actor by) {
        Incident incident = lock(key);
        incident.addNote(text.strip(), by, Incident.now(clock));
        return recordEvents(incident).getLast();
    }

    /**
     * Records what another module found out about an incident (a check, a diagnosis, an alert, a pinned
     * line) in its timeline, in the caller's transaction, and tells open pages.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public TimelineEntry record(IncidentRef incident, Fact fact, String summary, Actor by) {
        // summaries are for people: a line, not a document (the fact holds the details)
        String line = summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY - 1) + "…";
        TimelineEntry entry = timeline.append(incident.id(), Incident.now(clock), by, line, fact);
        changes.changed(incident.key(), entry.id());
        publisher.publishEvent(new FindingRecorded(incident, entry));
        return entry;
    }

    /** Tells open pages of the incident, soon after this transaction commits, what they show changed without an entry. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void touched(IncidentRef incident, Set<IncidentPanel.Touch> touches) {
        if (!touches.isEmpty()) {
            changes.touched(incident.key(), touches);
        }
    }

    /** Writes the incident's new events to its timeline and publishes them, in the transaction of the change. */
    List<TimelineEntry> recordEvents(Incident incident) {
        // the row as the events describe it, for listeners that read it with SQL in this transaction
        incidents.flush();
        List<TimelineEntry> written = new ArrayList<>();
        for (IncidentEvent event : incident.takeEvents()) {
            written.add(timeline.append(incident.id(), event.at(), event.actor(), event.summary(), event.fact()));
            publisher.publishEvent(event);
        }
        if (!written.isEmpty()) {
            changes.changed(incident.key(), written.getLast().id());
        }
        return written;
    }

    /** For a change: the incident under its row lock (see {@link IncidentRepository#lockByNumber}). */
    private Incident lock(IncidentKey key) {
        return incidents.lockByNumber(key.number()).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key.toString()));
    }

    private String requireUser(String field, String username) {
        if (username == null || username.isBlank()) {
            throw new IncidentProblems.InvalidInput(field, "must name a user", "incident.invalid.noUser");
        }
        String name = username.strip().toLowerCase(Locale.ROOT);
        return accounts.findByUsername(name)
                .filter(UserView::enabled)
                .orElseThrow(() -> new IncidentProblems.InvalidInput(field, "'" + username.strip() + "' is not an enabled user",
                        "incident.invalid.user", username.strip()))
                .username();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
