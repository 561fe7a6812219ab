package dev.goldenfive.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.goldenfive.incident.IncidentEvent.Cause;
import dev.goldenfive.incident.IncidentEvent.StageEntered;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The incident's state machine on a clock the test sets: every transition and every refusal. */
class IncidentTest {

    static final Runbook GOLDEN_FIVE = new Runbook("golden", "Golden five", null, List.of(
            stage("connectivity", 0, 60), stage("proxy-switch", 60, 180), stage("offline-fallback", 180, 300)),
            List.of(), List.of());

    final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    final Actor alice = Actor.user("alice");

    @Test
    void aDeclaredIncidentIsOpenInTheFirstStageUntilTheEndOfItsWindow() {
        Incident incident = declare(t0, t0);

        assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(incident.stage()).isEqualTo("connectivity");
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(60));
        assertThat(incident.takeEvents()).extracting(IncidentEvent::kind).containsExactly("declared", "stage-entered");
    }

    @Test
    void declaringWithAPastStartEntersTheStagesAlreadyPassedAsCatchUp() {
        Incident incident = declare(t0, t0.plusSeconds(200));

        assertThat(incident.stage()).isEqualTo("offline-fallback");
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(300));
        assertThat(stagesEntered(incident)).extracting(StageEntered::to, StageEntered::cause).containsExactly(
                org.assertj.core.groups.Tuple.tuple("connectivity", Cause.DECLARED),
                org.assertj.core.groups.Tuple.tuple("proxy-switch", Cause.CATCH_UP),
                org.assertj.core.groups.Tuple.tuple("offline-fallback", Cause.CATCH_UP));
    }

    @Test
    void declaringAfterTheLastWindowIsInFollowUpWithTheGoldenWindowMissed() {
        Incident incident = declare(t0, t0.plusSeconds(400));

        assertThat(incident.stage()).isEqualTo(Runbook.FOLLOW_UP);
        assertThat(incident.nextDeadlineAt()).isNull();
        assertThat(incident.takeEvents()).extracting(IncidentEvent::kind).endsWith("stage-entered", "golden-window-missed");
        assertThat(incident.allowedActions()).doesNotContain(IncidentAction.ADVANCE);
    }

    @Test
    void theTimerEntersTheNextStageWhenTheWindowEndsAndRecordsHowLateItFired() {
        Incident incident = declare(t0, t0);
        incident.takeEvents();

        assertThat(incident.fireDeadlines(GOLDEN_FIVE, t0.plusSeconds(59))).as("before the deadline").isFalse();
        assertThat(incident.fireDeadlines(GOLDEN_FIVE, t0.plusMillis(60_120))).isTrue();

        assertThat(incident.stage()).isEqualTo("proxy-switch");
        assertThat(incident.stageEnteredAt()).isEqualTo(t0.plusSeconds(60));
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(180));
        assertThat(stagesEntered(incident)).singleElement().satisfies(entered -> {
            assertThat(entered.cause()).isEqualTo(Cause.TIMER);
            assertThat(entered.actor()).isEqualTo(Actor.TIMER);
            assertThat(entered.lateness()).isEqualTo(Duration.ofMillis(120));
            assertThat(entered.fact()).isEqualTo(new Fact.StageEntered("connectivity", "proxy-switch", "timer",
                    t0.plusSeconds(60), 120L, null));
        });
    }

    @Test
    void aTimerThatWasDownFiresEveryMissedDeadlineInTurnEachWithItsLateness() {
        Incident incident = declare(t0, t0);
        incident.takeEvents();

        incident.fireDeadlines(GOLDEN_FIVE, t0.plusSeconds(310));

        assertThat(incident.stage()).isEqualTo(Runbook.FOLLOW_UP);
        assertThat(stagesEntered(incident)).extracting(StageEntered::to, e -> e.lateness().toSeconds()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("proxy-switch", 250L),
                org.assertj.core.groups.Tuple.tuple("offline-fallback", 130L),
                org.assertj.core.groups.Tuple.tuple(Runbook.FOLLOW_UP, 10L));
    }

    @Test
    void afterTheLastWindowTheTimerEntersFollowUpAndReportsTheMissedGoldenWindow() {
        Incident incident = declare(t0, t0.plusSeconds(200));
        incident.takeEvents();

        incident.fireDeadlines(GOLDEN_FIVE, t0.plusSeconds(300));

        assertThat(incident.stage()).isEqualTo(Runbook.FOLLOW_UP);
        assertThat(incident.takeEvents()).extracting(IncidentEvent::kind).containsExactly("stage-entered", "golden-window-missed");
        assertThat(incident.fireDeadlines(GOLDEN_FIVE, t0.plusSeconds(1000))).as("nothing left to fire").isFalse();
    }

    @Test
    void advancingEarlyKeepsTheWindowsMeasuredFromTheStart() {
        Incident incident = declare(t0, t0);

        incident.advance(GOLDEN_FIVE, "DNS is fine, proxy is not", alice, t0.plusSeconds(20));

        assertThat(incident.stage()).isEqualTo("proxy-switch");
        assertThat(incident.stageEnteredAt()).isEqualTo(t0.plusSeconds(20));
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(180));
        assertThat(stagesEntered(incident).getLast().reason()).isEqualTo("DNS is fine, proxy is not");
    }

    @Test
    void advancingFromTheLastStageGoesToFollowUpWhereAdvancingIsRefusedWithTheAllowedActions() {
        Incident incident = declare(t0, t0.plusSeconds(200));
        incident.advance(GOLDEN_FIVE, "nothing left to try here", alice, t0.plusSeconds(210));
        assertThat(incident.stage()).isEqualTo(Runbook.FOLLOW_UP);

        var refused = catchThrowableOfType(IncidentProblems.ActionNotAllowed.class,
                () -> incident.advance(GOLDEN_FIVE, "again", alice, t0.plusSeconds(220)));

        assertThat(refused.allowed()).containsExactlyInAnyOrder(IncidentAction.ACKNOWLEDGE,
                IncidentAction.ASSIGN_COMMANDER, IncidentAction.MITIGATE, IncidentAction.RESOLVE);
        assertThat(refused.getMessage()).endsWith("allowed: acknowledge, assign-commander, mitigate, resolve.");
    }

    @Test
    void anIncidentIsAcknowledgedOnce() {
        Incident incident = declare(t0, t0);
        incident.acknowledge(alice, t0.plusSeconds(5));

        assertThat(incident.acknowledgedAt()).isEqualTo(t0.plusSeconds(5));
        assertThat(incident.acknowledgedBy()).isEqualTo("alice");
        assertThat(catchThrowableOfType(IncidentProblems.ActionNotAllowed.class,
                () -> incident.acknowledge(Actor.user("bob"), t0.plusSeconds(6)))).isNotNull();
    }

    @Test
    void resolvingStopsTheClockSoTheTimerNoLongerFires() {
        Incident incident = declare(t0, t0);

        incident.resolve("Switched GOPROXY to the mirror", alice, t0.plusSeconds(90));

        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.nextDeadlineAt()).isNull();
        assertThat(incident.fireDeadlines(GOLDEN_FIVE, t0.plusSeconds(400))).isFalse();
        assertThat(incident.allowedActions()).containsExactlyInAnyOrder(IncidentAction.REOPEN, IncidentAction.CLOSE,
                IncidentAction.ASSIGN_COMMANDER);
    }

    @Test
    void reopeningReturnsToTheStageWhoseWindowHoldsThePresent() {
        Incident incident = declare(t0, t0);
        incident.resolve("fixed", alice, t0.plusSeconds(30));

        incident.reopen(GOLDEN_FIVE, "it is back", alice, t0.plusSeconds(100));

        assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(incident.stage()).isEqualTo("proxy-switch");
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(180));
        assertThat(incident.resolvedAt()).isNull();
    }

    @Test
    void reopeningKeepsAStageAResponderHadAlreadyMovedOnTo() {
        Incident incident = declare(t0, t0);
        incident.advance(GOLDEN_FIVE, "skip ahead", alice, t0.plusSeconds(10));
        incident.advance(GOLDEN_FIVE, "skip ahead again", alice, t0.plusSeconds(20));
        incident.resolve("fixed", alice, t0.plusSeconds(30));
        incident.takeEvents();

        incident.reopen(GOLDEN_FIVE, null, alice, t0.plusSeconds(40));

        assertThat(incident.stage()).isEqualTo("offline-fallback");
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(300));
        assertThat(incident.takeEvents()).extracting(IncidentEvent::kind).containsExactly("reopened");
    }

    @Test
    void reopeningBeforeAStartSetSlightlyAheadStaysInTheFirstStage() {
        Incident incident = declare(t0.plusSeconds(30), t0);
        incident.resolve("false alarm", alice, t0.plusSeconds(5));

        incident.reopen(GOLDEN_FIVE, null, alice, t0.plusSeconds(10));

        assertThat(incident.stage()).isEqualTo("connectivity");
        assertThat(incident.nextDeadlineAt()).isEqualTo(t0.plusSeconds(90));
    }

    @Test
    void onlyAResolvedIncidentClosesAndAClosedOneAllowsNothing() {
        Incident incident = declare(t0, t0);
        assertThat(catchThrowableOfType(IncidentProblems.ActionNotAllowed.class,
                () -> incident.close(null, alice, t0.plusSeconds(1)))).isNotNull();
        incident.resolve("fixed", alice, t0.plusSeconds(30));

        incident.close("review done", alice, t0.plusSeconds(40));

        assertThat(incident.status()).isEqualTo(IncidentStatus.CLOSED);
        assertThat(incident.allowedActions()).isEmpty();
        assertThat(catchThrowableOfType(IncidentProblems.ActionNotAllowed.class,
                () -> incident.reopen(GOLDEN_FIVE, null, alice, t0.plusSeconds(50))).getMessage())
                .contains("while it is CLOSED; nothing is.");
    }

    @Test
    void assigningTheSameCommanderAgainRecordsNothing() {
        Incident incident = declare(t0, t0);
        incident.takeEvents();

        incident.assignCommander("alice", alice, t0.plusSeconds(1));
        incident.assignCommander("alice", alice, t0.plusSeconds(2));

        assertThat(incident.takeEvents()).extracting(IncidentEvent::kind).containsExactly("commander-assigned");
    }

    private Incident declare(Instant startedAt, Instant now) {
        return Incident.declare(7, "Builds cannot fetch modules", "ci", "prod", Severity.SEV2, Map.of(), null, 1, "golden", 1,
                GOLDEN_FIVE, startedAt, alice, now);
    }

    private static List<StageEntered> stagesEntered(Incident incident) {
        return incident.takeEvents().stream().filter(StageEntered.class::isInstance).map(StageEntered.class::cast).toList();
    }

    private static Runbook.Stage stage(String key, int start, int end) {
        return new Runbook.Stage(key, key, start, end, "goal", List.of(new Runbook.Step("step", "Step", null, null, null)), null);
    }
}
