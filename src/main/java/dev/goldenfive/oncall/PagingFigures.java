package dev.goldenfive.oncall;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.incident.Severity;

/** How paging went, for reports: per team and level, how soon people were paged and how soon someone acknowledged. */
@Service
public class PagingFigures {

    private final JdbcClient jdbc;

    PagingFigures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One team at one level (a level that pages people and no schedule counts under the team "—"). {@code paged}:
     * incidents that reached the level; time to page: from the incident's declaration to the level's first page
     * (at level 1, the time to the first page); {@code acknowledged}: incidents acknowledged while this level was
     * the latest paged, and the time from the incident's first page to that acknowledgement. Seconds; p50 and p90
     * interpolate.
     */
    public record Figure(String team, int level, long paged, Double timeToPageP50, Double timeToPageP90, long acknowledged,
            Double timeToAcknowledgeP50, Double timeToAcknowledgeP90) {
    }

    /** The incidents that started in [from, to), optionally of one service, environment and severity. */
    @Transactional(readOnly = true)
    public List<Figure> of(Instant from, Instant to, String service, String environment, Severity severity) {
        SqlWhere where = new SqlWhere("i.started_at >= :from and i.started_at < :to")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .equal("i.service", "service", service)
                .equal("i.environment", "environment", environment)
                .equal("i.severity", "severity", severity == null ? null : severity.name());
        return jdbc.sql("""
                with page as (
                    select p.incident_id, p.level, t.team, min(p.paged_at) as paged_at
                    from incident_page p join incident i on i.id = p.incident_id
                    cross join lateral unnest(case when cardinality(p.teams) = 0 then array['—'] else p.teams end) as t(team)
                    %s
                    group by p.incident_id, p.level, t.team),
                first_page as (select incident_id, min(paged_at) as at from incident_page group by incident_id),
                acknowledged as (
                    select distinct on (p.incident_id) p.incident_id, p.level, i.acknowledged_at
                    from incident_page p join incident i on i.id = p.incident_id
                    where i.acknowledged_at is not null and p.paged_at <= i.acknowledged_at
                    order by p.incident_id, p.paged_at desc, p.level desc)
                select page.team, page.level, count(*) as paged,
                    percentile_cont(0.5) within group (order by extract(epoch from page.paged_at - i.declared_at)) as page_p50,
                    percentile_cont(0.9) within group (order by extract(epoch from page.paged_at - i.declared_at)) as page_p90,
                    count(a.incident_id) as acknowledged,
                    percentile_cont(0.5) within group (order by extract(epoch from a.acknowledged_at - f.at)) as ack_p50,
                    percentile_cont(0.9) within group (order by extract(epoch from a.acknowledged_at - f.at)) as ack_p90
                from page join incident i on i.id = page.incident_id join first_page f on f.incident_id = page.incident_id
                left join acknowledged a on a.incident_id = page.incident_id and a.level = page.level
                group by page.team, page.level order by page.team, page.level
                """.formatted(where))
                .params(where.params())
                .query(PagingFigures::figure).list();
    }

    private static Figure figure(ResultSet rs, int row) throws SQLException {
        return new Figure(rs.getString("team"), rs.getInt("level"), rs.getLong("paged"), (Double) rs.getObject("page_p50"),
                (Double) rs.getObject("page_p90"), rs.getLong("acknowledged"), (Double) rs.getObject("ack_p50"),
                (Double) rs.getObject("ack_p90"));
    }
}
