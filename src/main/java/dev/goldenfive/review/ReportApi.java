package dev.goldenfive.review;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.goldenfive.incident.Severity;

/** Reports across incidents over the API: the summary as JSON, the incidents behind it as CSV. */
@RestController
@RequestMapping("/api/v1/reports")
@Tag(name = "Reports", description = "Incident counts, golden-window hit rate, MTTA/MTTR, time per stage")
class ReportApi {

    private final Reports reports;
    private final ReportCsv csv;
    private final Clock clock;

    ReportApi(Reports reports, ReportCsv csv, Clock clock) {
        this.reports = reports;
        this.csv = csv;
        this.clock = clock;
    }

    @GetMapping("/summary")
    @Operation(summary = "The figures of incidents that started in [from, to)", description = "from, to: ISO-8601 "
            + "instants (default: the last 30 days; at most 400 days); service, environment, severity: optional filters. "
            + "Durations in seconds; p50/p90 interpolate (percentile_cont).")
    ReportSummary summary(@RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) Severity severity) {
        return reports.summary(ReportQuery.of(from, to, service, environment, severity, clock.instant()));
    }

    @GetMapping("/incidents")
    @Operation(summary = "The incidents of a report as CSV, one row each", description = "Same filters as the summary; "
            + "at most 100,000 rows, oldest first.")
    void incidents(@RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) Severity severity, HttpServletResponse response) throws IOException {
        csv.write(ReportQuery.of(from, to, service, environment, severity, clock.instant()), response);
    }
}
