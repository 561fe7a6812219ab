package dev.goldenfive.review;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Api;
import dev.goldenfive.GoldenfiveTest;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentView;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.timeline.Actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Reports over incidents whose figures are set by hand, checked against numbers worked out by hand
 * (percentiles as PERCENTILE.INC: p90 of 30, 60, 90 is 60 + 0.8 × 30 = 84), and over a real incident walked
 * through the API.
 */
@GoldenfiveTest
class ReportsTest {

    @LocalServerPort
    int port;
    @Autowired
    IncidentCommands incidents;
    @Autowired
    Incidents reads;
    @Autowired
    Reviews reviews;
    @Autowired
    Reports reports;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    Clock clock;
    @Autowired
    ReportProjection projection;

    String service;
    Instant day1;
    /** The end of the reports' range: the end of today, so the days of the range are exactly day 1 to today. */
    Instant end;
    final List<String> keys = new ArrayList<>();

    /**
     * A: SEV1 prod, day 1, ack 30 s, mitigated 100 s, resolved 200 s in proxy-switch (met), DNS.
     * B: SEV2 prod, day 1, ack 90 s, mitigated 250 s, resolved 400 s in follow-up (missed), DNS.
     * C: SEV2 staging, day 2, ack 60 s, resolved 120 s in proxy-switch (met), TLS.
     * D: SEV2 prod, day 3, still open long after its window (missed). E: SEV3 prod, today, open and in its window.
     */
    @BeforeEach
    void fiveIncidents() {
        service = "rpt-" + UUID.randomUUID().toString().substring(0, 8);
        day1 = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(3).atStartOfDay().toInstant(ZoneOffset.UTC);
        end = day1.plus(4, ChronoUnit.DAYS);
        Instant now = clock.instant();
        Instant today = day1.plus(3, ChronoUnit.DAYS);
        fixture(Severity.SEV1, "prod", day1, 30, 100, 200, "proxy-switch", "dns",
                List.of(stage("connectivity", 60, "over"), stage("proxy-switch", 140, "on-time")));
        fixture(Severity.SEV2, "prod", day1.plus(6, ChronoUnit.HOURS), 90, 250, 400, "follow-up", "dns",
                List.of(stage("connectivity", 60, "over"), stage("proxy-switch", 120, "over"),
                        stage("offline-fallback", 120, "over"), stage("follow-up", 100, "over")));
        fixture(Severity.SEV2, "staging", day1.plus(1, ChronoUnit.DAYS).plus(12, ChronoUnit.HOURS), 60, 120, 120,
                "proxy-switch", "tls", List.of(stage("connectivity", 60, "over"), stage("proxy-switch", 60, "on-time")));
        fixture(Severity.SEV2, "prod", day1.plus(2, ChronoUnit.DAYS), null, null, null, null, null,
                List.of(stage("connectivity", 60, "over")));
        fixture(Severity.SEV3, "prod", now.minusSeconds(10).isBefore(today) ? today : now.minusSeconds(10), null, null, null, null, null,
                List.of(stage("connectivity", 10, "current")));
    }

    @Test
    void theSummaryOfHandSetIncidentsIsWhatWasWorkedOutByHand() {
        ReportSummary all = reports.summary(query(null, null));

        assertThat(all.incidents()).isEqualTo(5);
        assertThat(all.resolved()).isEqualTo(3);
        assertThat(all.decided()).as("A, B, C resolved and D past its window; E undecided").isEqualTo(4);
        assertThat(all.goldenWindowMet()).isEqualTo(2);
        assertThat(all.goldenWindowHitRate()).isEqualTo(0.5);
        assertThat(all.timeToAcknowledge()).isEqualTo(new ReportSummary.Percentiles(3, 60.0, 84.0));
        assertThat(all.timeToMitigate()).isEqualTo(new ReportSummary.Percentiles(3, 120.0, 224.0));
        assertThat(all.timeToResolve()).isEqualTo(new ReportSummary.Percentiles(3, 200.0, 360.0));
        assertThat(all.stages()).extracting(ReportSummary.StageFigure::stage, ReportSummary.StageFigure::incidents,
                ReportSummary.StageFigure::p50Seconds, ReportSummary.StageFigure::over).containsExactly(
                tuple("connectivity", 3L, 60.0, 3L),
                tuple("proxy-switch", 3L, 120.0, 1L),
                tuple("offline-fallback", 1L, 120.0, 1L),
                tuple("follow-up", 1L, 100.0, 1L));
        assertThat(all.stages().get(1).meanSeconds()).isCloseTo(320.0 / 3, within(1e-9));
        assertThat(all.resolvingStages()).containsExactly(new ReportSummary.StageCount("proxy-switch", "proxy-switch", 2),
                new ReportSummary.StageCount("follow-up", "follow-up", 1));
        assertThat(all.faultBoundaries()).containsExactly(new ReportSummary.Count("dns", 2), new ReportSummary.Count("tls", 1));
        assertThat(all.bySeverity()).containsExactly(
                new ReportSummary.Group("SEV2", 3, 3, 1.0 / 3, 260.0),
                new ReportSummary.Group("SEV1", 1, 1, 1.0, 200.0),
                new ReportSummary.Group("SEV3", 1, 0, null, null));
        assertThat(all.byEnvironment()).containsExactly(
                new ReportSummary.Group("prod", 4, 3, 1.0 / 3, 300.0),
                new ReportSummary.Group("staging", 1, 1, 1.0, 120.0));
        assertThat(all.reviewsOutstanding()).as("A, B and C are resolved; none has a completed review").isEqualTo(3);
        assertThat(all.reviewsToComplete()).extracting(ReportSummary.ReviewToComplete::incident)
                .containsExactly(keys.get(0), keys.get(1), keys.get(2));
        assertThat(all.byService()).singleElement().satisfies(g -> assertThat(g.incidents()).isEqualTo(5));
        LocalDate first = day1.atOffset(ZoneOffset.UTC).toLocalDate();
        assertThat(all.days()).containsExactly(new ReportSummary.Day(first, 2, 1, 1),
                new ReportSummary.Day(first.plusDays(1), 1, 1, 0), new ReportSummary.Day(first.plusDays(2), 1, 0, 1),
                new ReportSummary.Day(first.plusDays(3), 1, 0, 0));
    }

    @Test
    void filtersNarrowTheIncidentsAndTheRange() {
        ReportSummary sev2 = reports.summary(new ReportQuery(day1, end, service, null, Severity.SEV2));
        assertThat(sev2.incidents()).isEqualTo(3);
        assertThat(sev2.decided()).isEqualTo(3);
        assertThat(sev2.goldenWindowHitRate()).isEqualTo(1.0 / 3);

        ReportSummary staging = reports.summary(new ReportQuery(day1, end, service, "staging", null));
        assertThat(staging.incidents()).isEqualTo(1);
        assertThat(staging.timeToResolve()).isEqualTo(new ReportSummary.Percentiles(1, 120.0, 120.0));

        ReportSummary firstDay = reports.summary(new ReportQuery(day1, day1.plus(1, ChronoUnit.DAYS), service, null, null));
        assertThat(firstDay.incidents()).isEqualTo(2);
        assertThat(firstDay.timeToAcknowledge().p50()).isEqualTo(60.0);
    }

    @Test
    void overdueActionItemsAreThoseStillToDoAfterTheirDueDate() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Map<Section, String> none = new EnumMap<>(Section.class);
        reviews.edit(keys.getFirst(), new Review.Draft(null, none, List.of(
                new ActionItem(null, "Late", "dave", today.minusDays(1), ActionItem.Status.IN_PROGRESS, null),
                new ActionItem(null, "Done late", "dave", today.minusDays(1), ActionItem.Status.DONE, null),
                new ActionItem(null, "Due today", "erin", today, ActionItem.Status.OPEN, null)), null),
                new Reviews.Editor("admin", true));

        ReportSummary summary = reports.summary(query(null, null));
        assertThat(summary.overdueActionItems()).isEqualTo(1);
        assertThat(summary.reviewsToComplete().getFirst().review()).as("written, not completed").isEqualTo(ReviewStatus.STARTED);
        assertThat(summary.overdue()).singleElement().satisfies(item -> {
            assertThat(item.incident()).isEqualTo(keys.getFirst());
            assertThat(item.title()).isEqualTo("Late");
        });
    }

    @Test
    void theApiAnswersTheSameNumbersAsJsonAndTheIncidentsAsSpreadsheetSafeCsv() throws Exception {
        jdbc.sql("update report_incident set title = :title where number = :number")
                .param("title", "=HYPERLINK(\"x\"), bad").param("number", Long.parseLong(keys.getFirst().substring(4))).update();
        Api api = new Api(port);
        String range = "from=" + day1 + "&to=" + end + "&service=" + service;

        var response = api.get("/api/v1/reports/summary?" + range, GoldenfiveTest.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode summary = json.readTree(response.body());
        assertThat(summary.get("incidents").asLong()).isEqualTo(5);
        assertThat(summary.get("goldenWindowHitRate").asDouble()).isEqualTo(0.5);
        assertThat(summary.get("timeToResolve").get("p90").asDouble()).isEqualTo(360.0);

        var csv = api.get("/api/v1/reports/incidents?" + range, GoldenfiveTest.ADMIN_TOKEN);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        String[] rows = csv.body().split("\r\n");
        assertThat(rows).hasSize(6);
        assertThat(rows[0]).isEqualTo(ReportCsv.HEADER);
        assertThat(rows[1]).startsWith(keys.getFirst() + ",\"'=HYPERLINK(\"\"x\"\"), bad\"," + service + ",prod,SEV1,RESOLVED,")
                .endsWith(",30.0,100.0,200.0,met,proxy-switch,dns");

        assertThat(api.get("/api/v1/reports/summary?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
                GoldenfiveTest.ADMIN_TOKEN).body()).contains("\"field\":\"from\"");
        var wrongSeverity = api.get("/api/v1/reports/summary?severity=SEV9", GoldenfiveTest.ADMIN_TOKEN);
        assertThat(wrongSeverity.statusCode()).isEqualTo(400);
        assertThat(wrongSeverity.body()).contains("\"field\":\"severity\"").contains("must be one of [SEV1, SEV2, SEV3, SEV4]");
        assertThat(api.get("/api/v1/reports/summary?from=2026-11-01", GoldenfiveTest.ADMIN_TOKEN).body())
                .contains("\"field\":\"from\"").contains("ISO-8601 date-time");
        assertThat(api.get("/actuator/prometheus", GoldenfiveTest.ADMIN_TOKEN).body())
                .contains("goldenfive_report_golden_window_hit_ratio")
                .contains("goldenfive_report_time_to_resolve_seconds{quantile=\"0.9\"}");
        JsonNode health = json.readTree(api.get("/actuator/health", GoldenfiveTest.ADMIN_TOKEN).body());
        assertThat(health.get("components").get("reportFigures").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void aRealIncidentsFiguresComeFromItsTimeline() throws Exception {
        String own = "rpt-" + UUID.randomUUID().toString().substring(0, 8);
        Api api = new Api(port);
        var declared = api.post("/api/v1/incidents", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"title\":\"Real\",\"service\":\"" + own + "\",\"environment\":\"prod\",\"severity\":\"SEV2\"}");
        String key = json.readTree(declared.body()).get("key").asString();
        for (String action : List.of("acknowledge", "mitigate")) {
            api.post("/api/v1/incidents/" + key + "/actions/" + action, GoldenfiveTest.ADMIN_TOKEN, "application/json", "");
        }
        api.post("/api/v1/incidents/" + key + "/actions/resolve", GoldenfiveTest.ADMIN_TOKEN, "application/json",
                "{\"summary\":\"fixed\"}");
        IncidentView incident = reads.view(IncidentKey.of(key));
        catchUp();

        ReportSummary summary = reports.summary(new ReportQuery(incident.startedAt(), incident.startedAt().plusSeconds(1), own, null, null));
        assertThat(summary.incidents()).isEqualTo(1);
        assertThat(summary.goldenWindowHitRate()).isEqualTo(1.0);
        assertThat(summary.resolvingStages()).containsExactly(new ReportSummary.StageCount("connectivity", "Basic connectivity", 1));
        double seconds = (incident.resolvedAt().toEpochMilli() - incident.startedAt().toEpochMilli()) / 1000.0;
        assertThat(summary.timeToResolve().p50()).isCloseTo(seconds, within(0.001));
        assertThat(summary.timeToAcknowledge().p50()).isCloseTo(
                (incident.acknowledgedAt().toEpochMilli() - incident.startedAt().toEpochMilli()) / 1000.0, within(0.001));
        assertThat(summary.stages()).singleElement().satisfies(stage -> {
            assertThat(stage.stage()).isEqualTo("connectivity");
            assertThat(stage.over()).isZero();
            assertThat(stage.meanSeconds()).isCloseTo(seconds, within(0.001));
        });
    }

    /** Until the figures of every change so far are computed (they are, soon after each change commits). */
    private void catchUp() {
        try {
            projection.catchUp();
        }
        catch (InterruptedException interrupted) {
            throw new IllegalStateException(interrupted);
        }
    }

    private ReportQuery query(String environment, Severity severity) {
        return new ReportQuery(day1, end, service, environment, severity);
    }

    private record StageRow(String stage, double seconds, String outcome) {
    }

    private static StageRow stage(String stage, double seconds, String outcome) {
        return new StageRow(stage, seconds, outcome);
    }

    /** A real incident whose report row is then set to these figures (seconds after its start). */
    private void fixture(Severity severity, String environment, Instant start, Integer ack, Integer mitigated,
            Integer resolved, String resolvingStage, String boundary, List<StageRow> stages) {
        IncidentView incident = incidents.declare(new IncidentCommands.Declaration("Fixture", service, environment,
                severity, null, null, null, null), Actor.user("admin"));
        keys.add(incident.key().toString());
        catchUp();
        long number = incident.key().number();
        long id = jdbc.sql("select incident_id from report_incident where number = :n").param("n", number).query(Long.class).single();
        jdbc.sql("""
                update report_incident set started_at = :start, acknowledged_at = :ack, mitigated_at = :mitigated,
                    resolved_at = :resolved, golden_window_end = :end, resolving_stage = :stage, fault_boundary = :boundary,
                    status = :status
                where incident_id = :id""")
                .param("start", Timestamp.from(start))
                .param("ack", at(start, ack))
                .param("mitigated", at(start, mitigated))
                .param("resolved", at(start, resolved))
                .param("end", Timestamp.from(start.plusSeconds(300)))
                .param("stage", resolvingStage)
                .param("boundary", boundary)
                .param("status", resolved == null ? "OPEN" : "RESOLVED")
                .param("id", id)
                .update();
        jdbc.sql("delete from report_stage_time where incident_id = :id").param("id", id).update();
        int position = 0;
        for (StageRow stage : stages) {
            jdbc.sql("insert into report_stage_time (incident_id, position, stage, title, seconds, outcome)"
                            + " values (:id, :position, :stage, :stage, :seconds, :outcome)")
                    .param("id", id).param("position", ++position).param("stage", stage.stage())
                    .param("seconds", stage.seconds()).param("outcome", stage.outcome()).update();
        }
    }

    private static Timestamp at(Instant start, Integer seconds) {
        return seconds == null ? null : Timestamp.from(start.plusSeconds(seconds));
    }
}
