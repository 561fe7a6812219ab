package dev.goldenfive.review;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.goldenfive.review.IncidentFigures.Outcome;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.TimelineEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The figures of hand-written timelines, checked against values worked out by hand. */
class IncidentFiguresTest {

    static final Runbook GOLDEN_FIVE = new Runbook("golden", "Golden five", null, List.of(
            stage("connectivity", "Connectivity", 0, 60), stage("proxy-switch", "Proxy switch", 60, 180),
            stage("offline-fallback", "Offline fallback", 180, 300)), List.of(), List.of());

    final Instant t0 = Instant.parse("2026-11-20T10:00:00Z");
    final List<TimelineEntry> entries = new ArrayList<>();

    @Test
    void anIncidentResolvedInTheSecondStageMetTheGoldenWindow() {
        entered(0, "connectivity", "declared", null);
        at(45, new Fact.Acknowledged());
        entered(60.2, "proxy-switch", "timer", t0.plusSeconds(60));
        at(150, new Fact.Mitigated("mirror"));
        at(170, new Fact.Resolved("proxy-switch", "GOPROXY switched"));

        IncidentFigures figures = IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(900));

        assertThat(figures.timeToAcknowledge()).isEqualTo(Duration.ofSeconds(45));
        assertThat(figures.timeToMitigate()).isEqualTo(Duration.ofSeconds(150));
        assertThat(figures.timeToResolve()).isEqualTo(Duration.ofSeconds(170));
        assertThat(figures.goldenWindowEnd()).isEqualTo(t0.plusSeconds(300));
        assertThat(figures.goldenWindowMet(t0.plusSeconds(900))).isTrue();
        assertThat(figures.resolvingStage()).isEqualTo("proxy-switch");
        assertThat(figures.stages()).extracting(IncidentFigures.StageTime::key, s -> s.spent().toSeconds(),
                IncidentFigures.StageTime::outcome).containsExactly(
                tuple("connectivity", 60L, Outcome.OVER),
                tuple("proxy-switch", 110L, Outcome.ON_TIME),
                tuple("offline-fallback", 0L, Outcome.SKIPPED));
    }

    @Test
    void aReopenedIncidentCountsToItsLastResolutionAndMitigationToItsFirst() {
        entered(0, "connectivity", "declared", null);
        entered(20, "proxy-switch", "advance", null);
        at(100, new Fact.Resolved("proxy-switch", "mirror"));
        at(400, new Fact.Reopened(null));
        entered(400, "follow-up", "reopen", null);
        at(460, new Fact.Resolved("follow-up", "vendored"));

        IncidentFigures figures = IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(900));

        assertThat(figures.timeToAcknowledge()).as("never acknowledged").isNull();
        assertThat(figures.timeToMitigate()).as("the first resolution stopped the impact").isEqualTo(Duration.ofSeconds(100));
        assertThat(figures.timeToResolve()).isEqualTo(Duration.ofSeconds(460));
        assertThat(figures.goldenWindowMet(t0.plusSeconds(900))).isFalse();
        assertThat(figures.resolvingStage()).isEqualTo("follow-up");
        assertThat(figures.stages()).extracting(IncidentFigures.StageTime::key, s -> s.spent().toSeconds(),
                IncidentFigures.StageTime::outcome).containsExactly(
                tuple("connectivity", 20L, Outcome.ON_TIME),
                tuple("proxy-switch", 80L, Outcome.ON_TIME),
                tuple("offline-fallback", 0L, Outcome.SKIPPED),
                tuple("follow-up", 60L, Outcome.OVER));
    }

    @Test
    void anIncidentDeclaredLateIsStillOpenInItsWindowAndUndecidedUntilTheWindowEnds() {
        entered(0, "connectivity", "declared", null);
        entered(200, "proxy-switch", "catch-up", t0.plusSeconds(60));
        entered(200, "offline-fallback", "catch-up", t0.plusSeconds(180));

        IncidentFigures during = IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(250));
        assertThat(during.goldenWindowMet(t0.plusSeconds(250))).isNull();
        assertThat(during.timeToResolve()).isNull();
        assertThat(during.stages()).extracting(IncidentFigures.StageTime::key, s -> s.spent().toSeconds(),
                IncidentFigures.StageTime::outcome).containsExactly(
                tuple("connectivity", 60L, Outcome.OVER),
                tuple("proxy-switch", 120L, Outcome.OVER),
                tuple("offline-fallback", 70L, Outcome.CURRENT));

        assertThat(IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(300)).goldenWindowMet(t0.plusSeconds(300)))
                .as("open when the last window ends").isFalse();
    }

    @Test
    void theLastDiagnosisARuleMatchedIsTheFinalOneEvenWhenTheEvidenceLaterWithdrewIt() {
        entered(0, "connectivity", "declared", null);
        at(30, new Fact.DiagnosisChanged(null, "dns-down", "dns", "Resolver fails",
                List.of(new Fact.CheckSeen("dns", "failed", null))));
        at(50, new Fact.DiagnosisChanged("dns-down", "tls-broken", "tls", "Certificate",
                List.of(new Fact.CheckSeen("tls", "failed", null))));

        IncidentFigures figures = IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(55));
        assertThat(figures.diagnosis().boundary()).isEqualTo("tls");
        assertThat(figures.diagnosis().evidence()).singleElement().satisfies(seen -> assertThat(seen.check()).isEqualTo("tls"));

        at(58, new Fact.DiagnosisChanged("tls-broken", null, null, null, null));
        assertThat(IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(59)).diagnosis().rule())
                .as("checks pass again once the fix works; what they pointed at stays").isEqualTo("tls-broken");
    }

    @Test
    void mitigationCountsFromTheEarlierOfTheFirstMitigationAndTheFirstResolution() {
        entered(0, "connectivity", "declared", null);
        at(30, new Fact.Resolved("connectivity", "restarted"));
        at(100, new Fact.Reopened(null));
        at(120, new Fact.Mitigated(null));
        at(200, new Fact.Resolved("connectivity", "fixed"));

        IncidentFigures figures = IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(900));
        assertThat(figures.timeToMitigate()).isEqualTo(Duration.ofSeconds(30));
        assertThat(figures.timeToResolve()).isEqualTo(Duration.ofSeconds(200));
        assertThat(figures.stages().getFirst().spent()).as("30 s, then 100 s after reopening").isEqualTo(Duration.ofSeconds(130));
    }

    @Test
    void resolvingExactlyWhenTheLastWindowEndsMissesIt() {
        entered(0, "connectivity", "declared", null);
        at(300, new Fact.Resolved("offline-fallback", "late"));

        assertThat(IncidentFigures.of(t0, GOLDEN_FIVE, entries, t0.plusSeconds(301)).goldenWindowMet(t0.plusSeconds(301))).isFalse();
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(IncidentFigures.words(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(IncidentFigures.words(Duration.ofSeconds(245))).isEqualTo("4 min 05 s");
        assertThat(IncidentFigures.words(Duration.ofSeconds(7500))).isEqualTo("2 h 05 min");
        assertThat(IncidentFigures.words(Duration.ofHours(76))).isEqualTo("3 d 4 h");
        assertThat(IncidentFigures.words(null)).isEqualTo("—");
        assertThat(IncidentFigures.words(Duration.ofSeconds(245), java.util.Locale.SIMPLIFIED_CHINESE)).isEqualTo("4 分 05 秒");
        assertThat(IncidentFigures.words(Duration.ofHours(76), java.util.Locale.SIMPLIFIED_CHINESE)).isEqualTo("3 天 4 小时");
    }

    private void entered(double seconds, String to, String cause, Instant deadline) {
        at(seconds, new Fact.StageEntered(null, to, cause, deadline, null, null));
    }

    private void at(double seconds, Fact fact) {
        entries.add(new TimelineEntry(entries.size() + 1, 1, t0.plusMillis(Math.round(seconds * 1000)), Actor.user("alice"),
                fact.kind(), fact));
    }

    private static Runbook.Stage stage(String key, String title, int start, int end) {
        return new Runbook.Stage(key, title, start, end, "goal",
                List.of(new Runbook.Step("look", "Look", null, List.of(), null)), List.of());
    }
}
