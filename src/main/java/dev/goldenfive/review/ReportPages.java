package dev.goldenfive.review;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.DefaultMessageSourceResolvable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.goldenfive.incident.Severity;
import dev.goldenfive.web.InvalidField;

/** The reports page: a range of days (UTC) and filters, the figures, charts and the CSV of the incidents behind them. */
@Controller
class ReportPages {

    private final Reports reports;
    private final ReportCsv csv;
    private final MessageSource messages;
    private final Clock clock;

    ReportPages(Reports reports, ReportCsv csv, MessageSource messages, Clock clock) {
        this.reports = reports;
        this.csv = csv;
        this.messages = messages;
        this.clock = clock;
    }

    /** Seconds as people read them, for the page's figures (absent stays a dash). */
    record Words() {
        public String apply(Double seconds) {
            return IncidentFigures.words(seconds == null ? null : Duration.ofMillis(Math.round(seconds * 1000)), LocaleContextHolder.getLocale());
        }
    }

    /** The filters as the form holds them: whole days, {@code to} included. */
    record Filters(String from, String to, String service, String environment, String severity) {

        /** As asked, or by default the range's days up to today. */
        static Filters of(String from, String to, String service, String environment, String severity, LocalDate today) {
            return new Filters(blank(from) ? today.minusDays(ReportQuery.DEFAULT_RANGE.toDays() - 1).toString() : from.strip(),
                    blank(to) ? today.toString() : to.strip(), service, environment, blank(severity) ? null : severity);
        }
    }

    @GetMapping("/reports")
    String reports(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String severity, Model model) {
        Filters filters = Filters.of(from, to, service, environment, severity, today());
        model.addAttribute("filters", filters);
        model.addAttribute("severities", Severity.values());
        model.addAttribute("words", new Words());
        try {
            ReportSummary summary = reports.summary(query(filters));
            model.addAttribute("report", summary);
            // the bars' full lengths: at least 1, so an empty range draws empty bars, not NaN
            model.addAttribute("dayMax", Math.max(1, summary.days().stream().mapToLong(ReportSummary.Day::incidents).max().orElse(1)));
            model.addAttribute("stageMax", Math.max(1, summary.stages().stream().mapToDouble(ReportSummary.StageFigure::meanSeconds).max().orElse(1)));
            model.addAttribute("resolvingMax", summary.resolvingStages().stream().mapToLong(ReportSummary.StageCount::count).max().orElse(1));
            model.addAttribute("boundaryMax", summary.faultBoundaries().stream().mapToLong(ReportSummary.Count::count).max().orElse(1));
        }
        catch (InvalidField invalid) {
            // the field by its label on the form, the reason in the reader's language
            Locale locale = LocaleContextHolder.getLocale();
            model.addAttribute("error", messages.getMessage("reports.problem", new Object[] {invalid.field(), invalid.reason(messages, locale),
                    new DefaultMessageSourceResolvable(new String[] {"reports." + invalid.field()}, invalid.field())}, locale));
        }
        return "review/reports";
    }

    @GetMapping("/reports.csv")
    void download(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String service, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String severity, HttpServletResponse response) throws IOException {
        csv.write(query(Filters.of(from, to, service, environment, severity, today())), response);
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    private static ReportQuery query(Filters filters) {
        Instant start = day("from", filters.from()).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = day("to", filters.to()).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Severity severity = null;
        if (filters.severity() != null) {
            try {
                severity = Severity.valueOf(filters.severity());
            }
            catch (IllegalArgumentException unknown) {
                throw new InvalidField("severity", "must be SEV1, SEV2, SEV3 or SEV4", "reports.problem.severity");
            }
        }
        return new ReportQuery(start, end, filters.service(), filters.environment(), severity);
    }

    private static LocalDate day(String field, String text) {
        try {
            LocalDate day = LocalDate.parse(text);
            if (day.getYear() < 1970 || day.getYear() > 9998) {
                throw new InvalidField(field, "must be between 1970 and 9998", "reports.problem.years", 1970, 9998);
            }
            return day;
        }
        catch (DateTimeParseException notADay) {
            throw new InvalidField(field, "must be a day such as 2026-11-01", "reports.problem.day");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
