package dev.goldenfive.drill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

import dev.goldenfive.incident.Drill;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.review.IncidentFigures;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.RunbookVersion;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.web.InvalidField;

/**
 * Drill reports and the faults agents report. A drill's report is read from its timeline alone, as the reviews' figures
 * are: the time spent in each stage against its window, the time to the first diagnosis naming the boundary the
 * scenario expects, the steps done, skipped and failed, who did what, and the faults the agents injected. Its score
 * (0–100) adds three parts, each documented where it is computed: the diagnosis (40), the stages left in time (30) and
 * the steps done (30).
 */
@Service
@Transactional(readOnly = true)
public class Drills {

    /** Drills compared at most, newest first. */
    static final int MAX_COMPARED = 200;
    /** The states an agent reports of a fault. */
    static final Set<String> STATES = Set.of("injected", "removed", "refused");
    static final int MAX_WHERE = 500;
    static final int MAX_DETAIL = 1000;

    private final Incidents incidents;
    private final IncidentCommands commands;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final Clock clock;

    Drills(Incidents incidents, IncidentCommands commands, Runbooks runbooks, Timeline timeline, Clock clock) {
        this.incidents = incidents;
        this.commands = commands;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** A fault as the agent last reported it. */
    public record Fault(String agent, String fault, String target, String state, String where, String detail, Instant until, Instant at) {

        /** Whether it is in place now, as far as the agent said. */
        public boolean injected() {
            return "injected".equals(state);
        }
    }

    /** One stage: its window's length (absent for follow-up), the time spent in it, and how it went (on-time, over, current). */
    public record StageFigure(String key, String title, Long windowSeconds, long spentSeconds, String outcome) {
    }

    /** One person (or agent, or goldenfive itself) and what they did: kinds of timeline entry, counted. */
    public record Participant(String who, String kind, Map<String, Long> did) {
    }

    /** How the score was made, part by part. */
    public record Score(int total, int diagnosis, int stages, int steps) {
    }

    /**
     * A drill's report.
     *
     * @param secondsToDiagnosis from the drill's start to the first diagnosis naming {@code expect}; null when none did
     * @param otherDiagnoses     diagnoses shown that named another boundary (each one a responder may have followed)
     * @param stepsRequired      the steps of the stages entered, optional ones left out
     */
    public record Report(IncidentKey key, String title, String service, String environment, String status, Drill drill,
            String runbook, int runbookVersion, Instant startedAt, Instant resolvedAt, Long secondsToDiagnosis, int otherDiagnoses,
            List<StageFigure> stages, int stepsDone, int stepsSkipped, int stepsFailed, int stepsRequired, List<Participant> participants,
            List<Fault> faults, Score score) {
    }

    /** The drills of one runbook, oldest first, each against the one before it. */
    public record Comparison(String runbook, List<Report> drills) {
    }

    /** What an agent says it did with a drill's fault. */
    public record FaultReport(String agent, String fault, String target, String state, String where, String detail, Instant until) {
    }

    public Report report(IncidentKey key) {
        return report(drill(key));
    }

    /** The faults of the drill as its agents last reported them, one per agent, fault and target. */
    public List<Fault> faults(IncidentRef incident) {
        return faults(timeline.all(incident.id(), List.of(Fact.DrillFault.class), Integer.MAX_VALUE));
    }

    /** The faults the entries (of any kind, in order) report, the last word on each. */
    private static List<Fault> faults(List<TimelineEntry> entries) {
        Map<String, Fault> latest = new LinkedHashMap<>();
        for (TimelineEntry entry : entries) {
            if (entry.fact() instanceof Fact.DrillFault f) {
                latest.put(f.agent() + " " + f.fault() + " " + f.target(),
                        new Fault(f.agent(), f.fault(), f.target(), f.state(), f.where(), f.detail(), f.until(), entry.at()));
            }
        }
        return List.copyOf(latest.values());
    }

    /** The drills of each runbook ({@code runbook} alone when given), oldest first within each, runbooks by name. */
    public List<Comparison> compare(String runbook) {
        Map<String, List<Report>> byRunbook = new TreeMap<>();
        for (IncidentRef drill : incidents.drills(MAX_COMPARED).reversed()) {
            String key = runbooks.byId(drill.runbookVersionId()).map(RunbookVersion::key).orElse(null);
            if (key != null && (runbook == null || runbook.equals(key))) {
                byRunbook.computeIfAbsent(key, k -> new ArrayList<>()).add(report(drill));
            }
        }
        return byRunbook.entrySet().stream().map(e -> new Comparison(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /**
     * Records what an agent did with the drill's fault, in its timeline (open pages show it at once). Refused unless the
     * agent, the fault and the target are the scenario's, and an agent registered for a service ({@code service}, else
     * null) serves the drill's.
     */
    @Transactional
    public TimelineEntry reportFault(IncidentKey key, FaultReport report, String service, Actor by) {
        IncidentRef incident = drill(key);
        Drill drill = incident.drill();
        if (service != null && !service.equalsIgnoreCase(incident.service())) {
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                    "This agent is registered for the service '" + service + "'; " + key + " is a drill of '" + incident.service() + "'."), null);
        }
        if (report.agent() == null || !report.agent().matches(Drill.AGENT) || !drill.injectedBy(report.agent())) {
            throw new InvalidField("agent", "must be one of the drill's agents: " + String.join(", ", drill.agents()));
        }
        if (!drill.fault().label().equals(report.fault())) {
            throw new InvalidField("fault", "must be the drill's fault, " + drill.fault().label());
        }
        if (report.target() == null || !drill.targets().contains(report.target())) {
            throw new InvalidField("target", "must be one of the drill's targets: " + String.join(", ", drill.targets()));
        }
        if (report.state() == null || !STATES.contains(report.state())) {
            throw new InvalidField("state", "must be injected, removed or refused");
        }
        if (report.where() != null && report.where().length() > MAX_WHERE || report.detail() != null && report.detail().length() > MAX_DETAIL) {
            throw new InvalidField(report.detail() != null && report.detail().length() > MAX_DETAIL ? "detail" : "where",
                    "is too long (where at most " + MAX_WHERE + ", detail at most " + MAX_DETAIL + " characters)");
        }
        Fact.DrillFault fact = new Fact.DrillFault(report.agent(), report.fault(), report.target(), report.state(), report.where(),
                report.detail(), "injected".equals(report.state()) ? report.until() : null);
        String summary = switch (report.state()) {
            case "injected" -> report.agent() + " injected " + report.fault() + " on " + report.target() + " (" + report.where() + ")"
                    + (report.until() == null ? "" : " until " + report.until());
            case "removed" -> report.agent() + " removed " + report.fault() + " on " + report.target();
            default -> report.agent() + " could not inject " + report.fault() + " on " + report.target() + ": " + report.detail();
        };
        return commands.record(incident, fact, summary, by);
    }

    private IncidentRef drill(IncidentKey key) {
        return incidents.ref(key).filter(IncidentRef::isDrill).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND,
                ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, key + " is no drill."), null));
    }

    private Report report(IncidentRef incident) {
        Drill drill = incident.drill();
        RunbookVersion version = runbooks.byId(incident.runbookVersionId()).orElseThrow();
        Runbook runbook = version.runbook();
        // the whole timeline, read once: the figures, the diagnoses, the steps, the people and the faults all come from it
        List<TimelineEntry> entries = timeline.all(incident.id(), List.of(), Integer.MAX_VALUE);
        IncidentFigures figures = IncidentFigures.of(incident.startedAt(), runbook, entries, clock.instant());

        List<StageFigure> stages = new ArrayList<>();
        for (IncidentFigures.StageTime stage : figures.stages()) {
            if (stage.outcome() != IncidentFigures.Outcome.SKIPPED) {
                stages.add(new StageFigure(stage.key(), stage.title(),
                        stage.windowEnd() == null ? null : (long) stage.windowEnd() - stage.windowStart(), stage.spent().toSeconds(),
                        stage.outcome().label()));
            }
        }

        Long toDiagnosis = null;
        int other = 0;
        // the latest mark of each step; the score counts the required steps of the stages entered
        Map<String, String> marks = new LinkedHashMap<>();
        Map<String, Participant> people = new LinkedHashMap<>();
        for (TimelineEntry entry : entries) {
            if (entry.fact() instanceof Fact.DiagnosisChanged diagnosed && diagnosed.boundary() != null && toDiagnosis == null) {
                if (diagnosed.boundary().equals(drill.expect())) {
                    toDiagnosis = Math.max(0, Duration.between(incident.startedAt(), entry.at()).toSeconds());
                }
                else {
                    other++;
                }
            }
            if (entry.fact() instanceof Fact.StepMarked marked) {
                marks.put(marked.stage() + "/" + marked.step(), marked.outcome());
            }
            Actor actor = entry.actor();
            people.computeIfAbsent(actor.kind() + ":" + actor.id(),
                    k -> new Participant(actor.id(), actor.kind().name().toLowerCase(Locale.ROOT), new TreeMap<>()))
                    .did().merge(entry.kind(), 1L, Long::sum);
        }
        Set<String> entered = stages.stream().map(StageFigure::key).collect(Collectors.toSet());
        Set<String> required = runbook.stages().stream().filter(s -> entered.contains(s.key()))
                .flatMap(s -> s.steps().stream().filter(step -> !step.optional()).map(step -> s.key() + "/" + step.key()))
                .collect(Collectors.toSet());
        int done = (int) marks.values().stream().filter("done"::equals).count();
        int requiredDone = (int) marks.entrySet().stream().filter(m -> "done".equals(m.getValue()) && required.contains(m.getKey())).count();
        int skipped = (int) marks.values().stream().filter("skipped"::equals).count();
        int failed = (int) marks.values().stream().filter("failed"::equals).count();


        int goldenWindow = runbook.stages().getLast().endSeconds();
        Score score = score(toDiagnosis, goldenWindow, stages, requiredDone, required.size());
        return new Report(incident.key(), incident.title(), incident.service(), incident.environment(), incident.status().name(), drill,
                version.key(), version.version(), incident.startedAt(), figures.resolvedAt(), toDiagnosis, other, stages, done, skipped, failed,
                required.size(), List.copyOf(people.values()), faults(entries), score);
    }

    /**
     * The score: 40 for a correct diagnosis at once, less the longer it took, none at the end of the golden window or
     * without one; 30 × the share of the runbook's stages entered that were left (moved on, resolved) before their window
     * ended; 30 × the share of the required steps of the stages entered that were done ({@code done} of them).
     */
    static Score score(Long secondsToDiagnosis, int goldenWindowSeconds, List<StageFigure> stages, int done, int required) {
        int diagnosis = secondsToDiagnosis == null ? 0
                : (int) Math.round(40 * Math.max(0, 1 - (double) secondsToDiagnosis / Math.max(1, goldenWindowSeconds)));
        List<StageFigure> windows = stages.stream().filter(s -> s.windowSeconds() != null && !"current".equals(s.outcome())).toList();
        int inTime = windows.isEmpty() ? 0
                : (int) Math.round(30.0 * windows.stream().filter(s -> "on-time".equals(s.outcome())).count() / windows.size());
        int steps = required == 0 ? 0 : (int) Math.round(30.0 * done / required);
        return new Score(diagnosis + inTime + steps, diagnosis, inTime, steps);
    }

}
