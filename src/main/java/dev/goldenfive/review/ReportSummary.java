package dev.goldenfive.review;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import dev.goldenfive.incident.Severity;
import dev.goldenfive.oncall.PagingFigures;
import dev.goldenfive.workaround.Workarounds;

/**
 * The figures of a report. Durations are in seconds; percentiles interpolate between the two nearest values
 * (PostgreSQL's percentile_cont, as a spreadsheet's PERCENTILE.INC) and are absent when nothing was measured.
 *
 * @param incidents            incidents that started in the range
 * @param resolved             of them, resolved (or closed) now
 * @param decided              of them, resolved or past the end of their golden window
 * @param goldenWindowMet      of them, resolved before their last window ended
 * @param goldenWindowHitRate  met / decided, absent when nothing is decided
 * @param stages               time spent per stage by the resolved incidents, in runbook order
 * @param resolvingStages      the stage resolved incidents were in when they were resolved
 * @param faultBoundaries      the fault boundaries of the final diagnoses, most frequent first
 * @param overdueActionItems   action items of these incidents past their due date and not done
 * @param overdue              the first 50 of them, oldest due date first
 * @param days                 every day (UTC) of the range with its incidents and how their golden windows went
 * @param reviewsOutstanding   resolved incidents whose review is not completed
 * @param reviewsToComplete    the first 20 of them, resolved longest ago first
 * @param byService            the figures of each service (the 20 with most incidents), then of each environment
 *                             and severity, to see where the golden window is missed
 * @param paging               per team and paging level: how soon people were paged, and how soon someone acknowledged
 * @param workaroundsInPlace   temporary changes made during these incidents and not undone yet, the soonest due first
 */
public record ReportSummary(Instant from, Instant to, String service, String environment, Severity severity,
        long incidents, long resolved, long decided, long goldenWindowMet, Double goldenWindowHitRate,
        Percentiles timeToAcknowledge, Percentiles timeToMitigate, Percentiles timeToResolve, List<StageFigure> stages,
        List<StageCount> resolvingStages, List<Count> faultBoundaries, long overdueActionItems, List<OverdueItem> overdue,
        List<Day> days, long reviewsOutstanding, List<ReviewToComplete> reviewsToComplete, List<Group> byService,
        List<Group> byEnvironment, List<Group> bySeverity, List<PagingFigures.Figure> paging,
        List<Workarounds.Workaround> workaroundsInPlace) {

    /** {@code review}: its status, absent when nobody has started it. */
    public record ReviewToComplete(String incident, String title, Instant resolvedAt, ReviewStatus review) {
    }

    /** One service, environment or severity: its incidents, hit rate (absent when none decided) and time to resolve. */
    public record Group(String name, long incidents, long decided, Double goldenWindowHitRate, Double timeToResolveP50) {
    }

    /** p50 and p90 of {@code count} measurements. */
    public record Percentiles(long count, Double p50, Double p90) {
    }

    /** {@code over}: how many incidents stayed in the stage until its window ended. */
    public record StageFigure(String stage, String title, long incidents, double meanSeconds, double p50Seconds,
            long over) {
    }

    public record Count(String name, long count) {
    }

    /** A stage by its key and its title in the runbook. */
    public record StageCount(String stage, String title, long count) {
    }

    public record OverdueItem(String incident, String title, String owner, LocalDate due, ActionItem.Status status) {
    }

    /** {@code met} and {@code missed} golden windows; the rest are still undecided. */
    public record Day(LocalDate day, long incidents, long met, long missed) {
    }
}
