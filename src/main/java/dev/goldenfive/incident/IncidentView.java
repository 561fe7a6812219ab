package dev.goldenfive.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.RunbookVersion;

/**
 * An incident as clients see it: every stage with its absolute window, the current stage with the time
 * left, the actions allowed now, and the server's time (so a client with a wrong clock can still count down).
 */
public record IncidentView(IncidentKey key, String title, String service, String environment, Map<String, String> context, Drill drill,
        Severity severity,
        IncidentStatus status, RunbookRef runbook, Instant startedAt, Instant declaredAt, String declaredBy,
        Instant acknowledgedAt, String acknowledgedBy, Instant mitigatedAt, String commander, CurrentStage stage, List<StageWindow> stages,
        Instant nextDeadlineAt, Instant resolvedAt, String resolutionSummary, Instant closedAt,
        Set<IncidentAction> allowedActions, List<StepMark> steps, Instant serverTime) {

    /** The latest word on one step: done, skipped or failed, by whom and when. */
    public record StepMark(String stage, String step, StepOutcome outcome, String note, String by, Instant at) {
    }

    public record RunbookRef(String key, int version, String title) {
    }

    /** {@code endsAt} and {@code secondsLeft} are absent in follow-up and once the incident is no longer open. */
    public record CurrentStage(String key, String title, Instant enteredAt, Instant endsAt, Long secondsLeft) {
    }

    /** {@code state}: passed, current or upcoming. */
    public record StageWindow(String key, String title, Instant startsAt, Instant endsAt, String state) {
    }

    static IncidentView of(Incident incident, RunbookVersion version, List<StepMark> steps, Instant now) {
        Runbook runbook = version.runbook();
        boolean followUp = Runbook.FOLLOW_UP.equals(incident.stage());
        List<StageWindow> windows = new ArrayList<>();
        String state = "passed";
        for (Runbook.Stage s : runbook.stages()) {
            if (s.key().equals(incident.stage())) {
                state = "current";
            }
            windows.add(new StageWindow(s.key(), s.title(), incident.startedAt().plusSeconds(s.startSeconds()),
                    incident.startedAt().plusSeconds(s.endSeconds()), followUp ? "passed" : state));
            if (state.equals("current")) {
                state = "upcoming";
            }
        }
        Instant deadline = incident.nextDeadlineAt();
        Long secondsLeft = deadline == null ? null : secondsUntil(now, deadline);
        String title = followUp ? "Follow-up" : runbook.stage(incident.stage()).title();
        return new IncidentView(incident.key(), incident.title(), incident.service(), incident.environment(), incident.context(),
                incident.drill(), incident.severity(), incident.status(), new RunbookRef(version.key(), version.version(), runbook.title()),
                incident.startedAt(), incident.declaredAt(), incident.declaredBy(), incident.acknowledgedAt(),
                incident.acknowledgedBy(), incident.mitigatedAt(), incident.commander(),
                new CurrentStage(incident.stage(), title, incident.stageEnteredAt(), deadline, secondsLeft),
                windows, deadline, incident.resolvedAt(), incident.resolutionSummary(), incident.closedAt(),
                incident.allowedActions(), steps, now);
    }

    /** Whole seconds until {@code deadline}, rounded up (a countdown shows 0:01 until the very end), never negative. */
    static long secondsUntil(Instant now, Instant deadline) {
        return Math.max(0, (Duration.between(now, deadline).toMillis() + 999) / 1000);
    }
}
