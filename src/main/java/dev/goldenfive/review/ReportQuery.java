package dev.goldenfive.review;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.web.InvalidField;

/**
 * Which incidents a report covers: those that started in [{@code from}, {@code to}), of one service,
 * environment and severity when given.
 */
public record ReportQuery(Instant from, Instant to, String service, String environment, Severity severity) {

    /** The longest range one report covers. */
    public static final Duration MAX_RANGE = Duration.ofDays(400);
    /** The range when none is given: the last 30 days. */
    public static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    /** The range asked for, each end defaulting: to now, from 30 days before {@code to}. */
    public static ReportQuery of(Instant from, Instant to, String service, String environment, Severity severity,
            Instant now) {
        Instant end = to != null ? to : now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Instant start = from != null ? from : end.minus(DEFAULT_RANGE).isBefore(EARLIEST) ? EARLIEST : end.minus(DEFAULT_RANGE);
        return new ReportQuery(start, end, service, environment, severity);
    }

    /** Reports cover these years (PostgreSQL and the calendar both have ends). */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    public ReportQuery {
        if (from.isBefore(EARLIEST) || from.isAfter(LATEST)) {
            throw new InvalidField("from", "must be between 1970 and 9999", "reports.problem.years", 1970, 9999);
        }
        if (to.isBefore(EARLIEST) || to.isAfter(LATEST)) {
            throw new InvalidField("to", "must be between 1970 and 9999", "reports.problem.years", 1970, 9999);
        }
        if (!from.isBefore(to)) {
            throw new InvalidField("from", "must be before to", "reports.problem.order");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new InvalidField("to", "must be at most " + MAX_RANGE.toDays() + " days after from", "reports.problem.range", MAX_RANGE.toDays());
        }
        service = blankToNull(service);
        environment = blankToNull(environment);
    }

    /** The filters as SQL over report_incident aliased {@code r}. */
    SqlWhere where() {
        return new SqlWhere("r.started_at >= :from and r.started_at < :to").param("from", from).param("to", to)
                .equal("r.service", "service", service)
                .equal("r.environment", "environment", environment)
                .equal("r.severity", "severity", severity == null ? null : severity.name());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
