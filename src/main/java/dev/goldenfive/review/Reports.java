package dev.goldenfive.review;

import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.oncall.PagingFigures;
import dev.goldenfive.workaround.Workarounds;

/**
 * Reports across incidents, computed by PostgreSQL from the table {@link ReportProjection} keeps: a handful of
 * aggregate queries over the range's rows, so a report over ten thousand incidents takes milliseconds.
 */
@Service
@Transactional(readOnly = true)
public class Reports {

    /** Most rows one CSV export holds. */
    public static final int MAX_ROWS = 100_000;

    private final JdbcClient jdbc;
    private final PagingFigures paging;
    private final Workarounds workarounds;
    private final Clock clock;

    Reports(JdbcClient jdbc, PagingFigures paging, Workarounds workarounds, Clock clock) {
        this.jdbc = jdbc;
        this.paging = paging;
        this.workarounds = workarounds;
        this.clock = clock;
    }

    public ReportSummary summary(ReportQuery query) {
        SqlWhere filter = query.where().param("now", clock.instant())
                .param("today", Date.valueOf(LocalDate.now(clock.withZone(ZoneOffset.UTC))));
        String where = filter.toString();
        Map<String, Object> params = filter.params();
        var head = jdbc.sql("""
                select count(*) as incidents, count(r.resolved_at) as resolved,
                       count(*) filter (where r.resolved_at is not null or r.golden_window_end <= :now) as decided,
                       count(*) filter (where r.resolved_at < r.golden_window_end) as met,
                       count(r.acknowledged_at) as acknowledged, count(r.mitigated_at) as mitigated,
                       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from r.acknowledged_at - r.started_at)) as ack,
                       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from r.mitigated_at - r.started_at)) as mitigate,
                       percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from r.resolved_at - r.started_at)) as resolve
                from report_incident r""" + where)
                .params(params)
                .query((rs, row) -> new Head(rs.getLong("incidents"), rs.getLong("resolved"), rs.getLong("decided"),
                        rs.getLong("met"), percentiles(rs.getLong("acknowledged"), rs.getArray("ack")),
                        percentiles(rs.getLong("mitigated"), rs.getArray("mitigate")),
                        percentiles(rs.getLong("resolved"), rs.getArray("resolve"))))
                .single();
        List<ReportSummary.StageFigure> stages = jdbc.sql("""
                select s.stage, min(s.title) as title, count(*) as incidents, avg(s.seconds) as mean,
                       percentile_cont(0.5) within group (order by s.seconds) as p50,
                       count(*) filter (where s.outcome = 'over') as over
                from report_stage_time s join report_incident r on r.incident_id = s.incident_id""" + where
                + " and r.resolved_at is not null group by s.stage order by min(s.position), s.stage")
                .params(params)
                .query((rs, row) -> new ReportSummary.StageFigure(rs.getString("stage"), rs.getString("title"),
                        rs.getLong("incidents"), rs.getDouble("mean"), rs.getDouble("p50"), rs.getLong("over")))
                .list();
        List<ReportSummary.StageCount> resolving = jdbc.sql("select r.resolving_stage as stage,"
                        + " coalesce(min(s.title), r.resolving_stage) as title, count(*) as n from report_incident r"
                        + " left join report_stage_time s on s.incident_id = r.incident_id and s.stage = r.resolving_stage"
                        + where + " and r.resolved_at is not null group by r.resolving_stage order by 3 desc, 1 limit 10")
                .params(params)
                .query((rs, row) -> new ReportSummary.StageCount(rs.getString("stage"), rs.getString("title"), rs.getLong("n")))
                .list();
        List<ReportSummary.Count> boundaries = counts("r.fault_boundary", where + " and r.fault_boundary is not null", params);
        String overdue = " join report_incident r on r.incident_id = a.incident_id" + where
                + " and a.status in ('OPEN', 'IN_PROGRESS') and a.due_on < :today";
        long overdueCount = jdbc.sql("select count(*) from review_action_item a" + overdue)
                .params(params).query(Long.class).single();
        List<ReportSummary.OverdueItem> items = jdbc.sql("select r.number, a.title, a.owner, a.due_on, a.status"
                        + " from review_action_item a" + overdue + " order by a.due_on, a.id limit 50")
                .params(params)
                .query((rs, row) -> new ReportSummary.OverdueItem(new IncidentKey(rs.getLong("number")).toString(), rs.getString("title"),
                        rs.getString("owner"), rs.getDate("due_on").toLocalDate(), ActionItem.Status.valueOf(rs.getString("status"))))
                .list();
        String unreviewed = " left join review v on v.incident_id = r.incident_id" + where
                + " and r.resolved_at is not null and (v.status is null or v.status <> 'COMPLETED')";
        List<ReportSummary.Day> days = jdbc.sql("""
                select (r.started_at at time zone 'UTC')::date as day, count(*) as incidents,
                       count(*) filter (where r.resolved_at < r.golden_window_end) as met,
                       count(*) filter (where (r.resolved_at is null and r.golden_window_end <= :now)
                                           or r.resolved_at >= r.golden_window_end) as missed
                from report_incident r""" + where + " group by 1 order by 1")
                .params(params)
                .query((rs, row) -> new ReportSummary.Day(rs.getDate("day").toLocalDate(), rs.getLong("incidents"),
                        rs.getLong("met"), rs.getLong("missed")))
                .list();
        return new ReportSummary(query.from(), query.to(), query.service(), query.environment(), query.severity(),
                head.incidents(), head.resolved(), head.decided(), head.met(),
                head.decided() == 0 ? null : (double) head.met() / head.decided(), head.ack(), head.mitigate(),
                head.resolve(), stages, resolving, boundaries, overdueCount, items, everyDay(query, days),
                jdbc.sql("select count(*) from report_incident r" + unreviewed).params(params).query(Long.class).single(),
                jdbc.sql("select r.number, r.title, r.resolved_at, v.status from report_incident r" + unreviewed
                                + " order by r.resolved_at, r.number limit 20")
                        .params(params)
                        .query((rs, row) -> new ReportSummary.ReviewToComplete(new IncidentKey(rs.getLong("number")).toString(),
                                rs.getString("title"), rs.getTimestamp("resolved_at").toInstant(),
                                rs.getString("status") == null ? null : ReviewStatus.valueOf(rs.getString("status"))))
                        .list(),
                groups("r.service", where, params), groups("r.environment", where, params), groups("r.severity", where, params),
                paging.of(query.from(), query.to(), query.service(), query.environment(), query.severity()),
                workarounds.inPlace(query.from(), query.to(), query.service(), query.environment(), query.severity()));
    }

    private List<ReportSummary.Group> groups(String column, String where, Map<String, Object> params) {
        return jdbc.sql("select " + column + " as name, count(*) as incidents,"
                        + " count(*) filter (where r.resolved_at is not null or r.golden_window_end <= :now) as decided,"
                        + " count(*) filter (where r.resolved_at < r.golden_window_end) as met,"
                        + " percentile_cont(0.5) within group (order by extract(epoch from r.resolved_at - r.started_at)) as ttr"
                        + " from report_incident r" + where + " group by 1 order by 2 desc, 1 limit 20")
                .params(params)
                .query((rs, row) -> {
                    long decided = rs.getLong("decided");
                    return new ReportSummary.Group(rs.getString("name"), rs.getLong("incidents"), decided,
                            decided == 0 ? null : (double) rs.getLong("met") / decided, number(rs.getObject("ttr")));
                })
                .list();
    }

    /** The days of the range, those without incidents too (a chart with gaps left out would mislead). */
    private static List<ReportSummary.Day> everyDay(ReportQuery query, List<ReportSummary.Day> days) {
        Map<LocalDate, ReportSummary.Day> byDay = new LinkedHashMap<>();
        days.forEach(day -> byDay.put(day.day(), day));
        List<ReportSummary.Day> all = new ArrayList<>();
        LocalDate last = query.to().minusNanos(1).atOffset(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = query.from().atOffset(ZoneOffset.UTC).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            all.add(byDay.getOrDefault(day, new ReportSummary.Day(day, 0, 0, 0)));
        }
        return all;
    }

    private record Head(long incidents, long resolved, long decided, long met, ReportSummary.Percentiles ack,
            ReportSummary.Percentiles mitigate, ReportSummary.Percentiles resolve) {
    }

    private List<ReportSummary.Count> counts(String column, String where, Map<String, Object> params) {
        return jdbc.sql("select " + column + " as name, count(*) as n from report_incident r" + where
                        + " group by 1 order by 2 desc, 1 limit 10")
                .params(params)
                .query((rs, row) -> new ReportSummary.Count(rs.getString("name"), rs.getLong("n")))
                .list();
    }

    private static ReportSummary.Percentiles percentiles(long count, Array values) throws SQLException {
        if (values == null) {
            return new ReportSummary.Percentiles(count, null, null);
        }
        Object[] p = (Object[]) values.getArray();
        return new ReportSummary.Percentiles(count, number(p[0]), number(p[1]));
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    /** One incident of a report, as a row of the CSV export. */
    public record Row(String incident, String title, String service, String environment, String severity, String status,
            Timestamp startedAt, Timestamp acknowledgedAt, Timestamp mitigatedAt, Timestamp resolvedAt,
            Timestamp goldenWindowEnd, String resolvingStage, String faultBoundary) {
    }

    /** The incidents of a report, oldest first, handed one by one to {@code sink}; at most {@link #MAX_ROWS}. */
    public void rows(ReportQuery query, Consumer<Row> sink) {
        SqlWhere where = query.where();
        jdbc.sql("select r.* from report_incident r" + where + " order by r.started_at, r.number limit " + MAX_ROWS)
                .params(where.params())
                .query((ResultSet rs) -> {
                    sink.accept(new Row(new IncidentKey(rs.getLong("number")).toString(), rs.getString("title"), rs.getString("service"),
                            rs.getString("environment"), rs.getString("severity"), rs.getString("status"),
                            rs.getTimestamp("started_at"), rs.getTimestamp("acknowledged_at"),
                            rs.getTimestamp("mitigated_at"), rs.getTimestamp("resolved_at"),
                            rs.getTimestamp("golden_window_end"), rs.getString("resolving_stage"),
                            rs.getString("fault_boundary")));
                });
    }
}
