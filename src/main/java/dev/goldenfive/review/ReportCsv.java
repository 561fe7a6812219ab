package dev.goldenfive.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/** The incidents of a report as CSV (RFC 4180), safe to open in a spreadsheet. */
@Component
class ReportCsv {

    static final String HEADER = "incident,title,service,environment,severity,status,started_at,acknowledged_at,"
            + "mitigated_at,resolved_at,time_to_acknowledge_s,time_to_mitigate_s,time_to_resolve_s,golden_window,"
            + "resolving_stage,fault_boundary";

    private final Reports reports;
    private final Clock clock;

    ReportCsv(Reports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    void write(ReportQuery query, HttpServletResponse response) throws IOException {
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"goldenfive-incidents-"
                + query.from().atOffset(ZoneOffset.UTC).toLocalDate() + "-to-" + query.to().atOffset(ZoneOffset.UTC).toLocalDate() + ".csv\"");
        Writer out = response.getWriter();
        out.write(HEADER + "\r\n");
        Instant now = clock.instant();
        try {
            reports.rows(query, row -> {
                try {
                    out.write(line(row, now));
                }
                catch (IOException failed) {
                    throw new UncheckedIOException(failed);
                }
            });
        }
        catch (UncheckedIOException failed) {
            throw failed.getCause();
        }
        out.flush();
    }

    static String line(Reports.Row r, Instant now) {
        Boolean met = IncidentFigures.goldenWindowMet(r.resolvedAt() == null ? null : r.resolvedAt().toInstant(),
                r.goldenWindowEnd().toInstant(), now);
        return String.join(",", field(r.incident()), field(r.title()), field(r.service()), field(r.environment()),
                r.severity(), r.status(), time(r.startedAt()), time(r.acknowledgedAt()), time(r.mitigatedAt()),
                time(r.resolvedAt()), seconds(r.startedAt(), r.acknowledgedAt()), seconds(r.startedAt(), r.mitigatedAt()),
                seconds(r.startedAt(), r.resolvedAt()), IncidentFigures.goldenWindow(met),
                field(r.resolvingStage()), field(r.faultBoundary())) + "\r\n";
    }

    private static String time(Timestamp at) {
        return at == null ? "" : at.toInstant().toString();
    }

    private static String seconds(Timestamp from, Timestamp to) {
        return to == null ? "" : String.valueOf((to.getTime() - from.getTime()) / 1000.0);
    }

    /**
     * Quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula (starting
     * with = + - @) is prefixed with an apostrophe.
     */
    static String field(String text) {
        if (text == null) {
            return "";
        }
        String safe = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
        return safe.matches("(?s).*[\",\r\n].*") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
