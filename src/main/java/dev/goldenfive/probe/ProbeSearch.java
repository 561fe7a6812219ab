package dev.goldenfive.probe;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.runbook.Glob;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.PageKey;

/** Finds probe results, attached or not, newest first, a page at a time. */
@Service
public class ProbeSearch {

    public static final int MAX_LIMIT = 500;

    private final Incidents incidents;
    private final Evidence evidence;
    private final JdbcClient jdbc;

    ProbeSearch(Incidents incidents, Evidence evidence, JdbcClient jdbc) {
        this.incidents = incidents;
        this.evidence = evidence;
        this.jdbc = jdbc;
    }

    /**
     * Every filter may be absent. {@code incident}: a key, or "none" for results attached to no incident;
     * {@code target}: {@code *} matches any run of characters; {@code cursor}: the {@code next} of the previous page.
     */
    public record Query(String incident, ProbeType type, String target, String submitter, Boolean success, Instant from,
            Instant to, String cursor, int limit) {
    }

    /** {@code next} is absent on the last page. */
    public record Page(List<StoredResult> results, String next) {
    }

    /** The trace ids of the newest {@code newest} results of an incident, without reading the results whole. */
    @Transactional(readOnly = true)
    public Set<String> traceIds(IncidentRef incident, int newest) {
        return new LinkedHashSet<>(jdbc.sql("""
                select trace from (select body ->> 'traceId' as trace from probe_result where incident_id = :id
                                   order by started_at desc, id desc limit :limit) r
                where coalesce(trace, '') <> ''
                """).param("id", incident.id()).param("limit", newest).query(String.class).list());
    }

    @Transactional(readOnly = true)
    public Page find(Query query) {
        if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
            throw new InvalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        SqlWhere where = new SqlWhere("true");
        if ("none".equals(query.incident())) {
            where.and("incident_id is null");
        }
        else if (query.incident() != null) {
            IncidentRef incident = IncidentKey.parse(query.incident()).flatMap(incidents::ref)
                    .orElseThrow(() -> new InvalidField("incident", "there is no incident " + query.incident()));
            where.equal("incident_id", "incident", incident.id());
        }
        where.equal("type", "type", query.type() == null ? null : query.type().label())
                .and("target like :target escape '\\'", "target", query.target() == null ? null : Glob.like(query.target()))
                .equal("submitter", "submitter", query.submitter())
                .equal("success", "success", query.success())
                .and("started_at >= :from", "from", query.from())
                .and("started_at < :to", "to", query.to());
        if (query.cursor() != null) {
            PageKey after = PageKey.parse(query.cursor(), "cursor", "must be the 'next' of a previous page");
            where.and("(started_at, id) < (:cursorAt, :cursorId)", "cursorAt", after.at()).param("cursorId", after.id());
        }
        record Row(StoredResult result, PageKey cursor) {
        }
        List<Row> rows = jdbc.sql("select id, started_at, " + Evidence.COLUMNS + " from probe_result" + where
                        + " order by started_at desc, id desc limit :limit")
                .params(where.params())
                .param("limit", query.limit() + 1)
                .query((rs, n) -> new Row(evidence.stored(rs, n), new PageKey(rs.getTimestamp("started_at").toInstant(), rs.getLong("id"))))
                .list();
        boolean more = rows.size() > query.limit();
        List<Row> page = more ? rows.subList(0, query.limit()) : rows;
        return new Page(page.stream().map(Row::result).toList(), more ? page.getLast().cursor().toString() : null);
    }
}
