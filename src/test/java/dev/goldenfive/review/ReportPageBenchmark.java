package dev.goldenfive.review;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.Benchmarks;
import dev.goldenfive.runbook.Runbooks;

/**
 * The reports page over 10,000 incidents: {@code ./mvnw test -Pbenchmark -Dtest=ReportPageBenchmark}. Not part
 * of {@code ./mvnw verify}. Incidents of the last 30 days (ten services, two environments, four severities) are
 * written with their timelines straight into PostgreSQL, then the reports' figures are computed from those
 * timelines by the same code that keeps them up to date. Measured: the page (all 10,000, and one service), the
 * JSON summary and the CSV, against the sign-in page (layout, no data) in the same run. Goal: p95 ≤ 500 ms.
 */
class ReportPageBenchmark {

    static final int INCIDENTS = Integer.getInteger("incidents", 10_000);

    @Test
    void reportsOverTenThousandIncidents() throws Exception {
        try (ConfigurableApplicationContext app = Benchmarks.application()) {
            String base = Benchmarks.base(app);
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            long seeding = System.nanoTime();
            seed(jdbc, app.getBean(Runbooks.class).latest("go-module-download").orElseThrow().id());
            double seeded = (System.nanoTime() - seeding) / 1e9;
            long computing = System.nanoTime();
            // as after an upgrade: the incidents are marked, and the replica's own thread computes them
            app.getBean(ReportProjection.class).markMissing();
            while (jdbc.sql("select count(*) from report_pending").query(Long.class).single() > 0) {
                Thread.sleep(100);
            }
            double figures = (System.nanoTime() - computing) / 1e9;

            HttpClient http = Benchmarks.signedIn(base, "admin", Benchmarks.PASSWORD);
            String all = http.send(HttpRequest.newBuilder(URI.create(base + "/reports")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (!all.contains(">" + INCIDENTS + "<")) {
                throw new IllegalStateException("the reports page does not count " + INCIDENTS + " incidents");
            }
            List<Double> page = Benchmarks.timeGets(http, base + "/reports", 50, 200);
            List<Double> oneService = Benchmarks.timeGets(http, base + "/reports?service=svc-3", 20, 100);
            List<Double> api = Benchmarks.timeGets(HttpClient.newHttpClient(), base + "/api/v1/reports/summary", 20, 100,
                    "Authorization", "Bearer " + Benchmarks.TOKEN);
            List<Double> csv = Benchmarks.timeGets(http, base + "/reports.csv", 5, 20);
            List<Double> baseline = Benchmarks.timeGets(HttpClient.newHttpClient(), base + "/login", 50, 200);

            double basis = Benchmarks.percentile(baseline, .95);
            System.out.printf("%nReports benchmark: %d incidents written in %.1f s, their figures computed from their"
                    + " timelines by the replica's own thread (a quarter of its time) in %.1f s (%.0f incidents/s)%n",
                    INCIDENTS, seeded, figures, INCIDENTS / figures);
            System.out.printf("%-30s %9s %9s %14s%n", "(ms)", "p50", "p95", "p95 / base");
            row("reports page, all " + INCIDENTS, page, basis);
            row("reports page, one service", oneService, basis);
            row("GET /api/v1/reports/summary", api, basis);
            row("CSV of " + INCIDENTS + " incidents", csv, basis);
            row("sign-in page (base)", baseline, basis);
            System.out.printf("goal p95 <= 500 ms for the reports page: %s%n%n",
                    Benchmarks.percentile(page, .95) <= 500 ? "met" : "NOT MET");
        }
    }

    private static void row(String name, List<Double> times, double basis) {
        System.out.printf("%-30s %9.1f %9.1f %14.1f%n", name, Benchmarks.percentile(times, .5), Benchmarks.percentile(times, .95),
                Benchmarks.percentile(times, .95) / basis);
    }

    /**
     * Incidents of the last 30 days, one every 250 s: acknowledged after 5–124 s, resolved after 30–929 s (so
     * in every stage and in follow-up), every third with a diagnosis; their timelines as goldenfive writes them.
     */
    private static void seed(JdbcClient jdbc, long runbookVersion) {
        jdbc.sql("""
                create table bench as
                select g, now() - g * interval '250 seconds' as t0, (g * 37) % 120 + 5 as ack, (g * 53) % 900 + 30 as ttr
                from generate_series(1, :n) g""").param("n", INCIDENTS).update();
        jdbc.sql("""
                insert into incident (number, title, service, environment, severity, runbook_version_id, started_at,
                    declared_at, declared_by, acknowledged_at, acknowledged_by, status, stage, stage_entered_at,
                    resolved_at, resolution_summary, version)
                select nextval('incident_number_seq'), 'Benchmark incident ' || g, 'svc-' || g % 10,
                    case when g % 4 = 0 then 'staging' else 'prod' end, 'SEV' || (1 + g % 4), :runbook, t0, t0, 'admin',
                    t0 + ack * interval '1 second', 'admin', 'RESOLVED',
                    case when ttr < 60 then 'connectivity' when ttr < 180 then 'proxy-switch'
                         when ttr < 300 then 'offline-fallback' else 'follow-up' end,
                    t0, t0 + ttr * interval '1 second', 'fixed', 0
                from bench""").param("runbook", runbookVersion).update();
        String entry = "insert into timeline_entry (incident_id, at, kind, actor_kind, actor_id, summary, details)"
                + " select i.id, %s, '%s', '%s', '%s', '%s', %s from bench b join incident i on i.title = 'Benchmark incident ' || b.g";
        jdbc.sql(entry.formatted("b.t0", "declared", "USER", "admin", "declared", "'{}'::jsonb")).update();
        jdbc.sql(entry.formatted("b.t0", "stage-entered", "USER", "admin", "Entered Basic connectivity",
                "'{\"to\":\"connectivity\",\"cause\":\"declared\"}'::jsonb")).update();
        jdbc.sql(entry.formatted("b.t0 + b.ack * interval '1 second'", "acknowledged", "USER", "admin", "Acknowledged",
                "'{}'::jsonb")).update();
        int[][] windows = {{60, 0}, {180, 1}, {300, 2}};
        String[] next = {"proxy-switch", "offline-fallback", "follow-up"};
        for (int w = 0; w < windows.length; w++) {
            int end = windows[w][0];
            jdbc.sql(entry.formatted("b.t0 + interval '" + end + " seconds'", "stage-entered", "SYSTEM", "timer", "Entered " + next[w],
                    "jsonb_build_object('to', '" + next[w] + "', 'cause', 'timer', 'deadline', "
                            + "to_char((b.t0 + interval '" + end + " seconds') at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))")
                    + " where b.ttr > " + end).update();
        }
        jdbc.sql(entry.formatted("b.t0 + b.ttr * interval '1 second' / 2", "diagnosis-changed", "AGENT", "probe",
                "Diagnosis: DNS", "'{\"rule\":\"dns\",\"boundary\":\"dns\",\"title\":\"Resolver fails\",\"evidence\":[]}'::jsonb")
                + " where b.g % 3 = 0").update();
        jdbc.sql(entry.formatted("b.t0 + b.ttr * interval '1 second'", "resolved", "USER", "admin", "Resolved",
                "jsonb_build_object('stage', case when b.ttr < 60 then 'connectivity' when b.ttr < 180 then 'proxy-switch'"
                        + " when b.ttr < 300 then 'offline-fallback' else 'follow-up' end, 'summary', 'fixed')")).update();
        jdbc.sql("drop table bench").update();
        jdbc.sql("analyze").update();
    }
}
