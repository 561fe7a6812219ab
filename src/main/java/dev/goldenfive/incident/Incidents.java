package dev.goldenfive.incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.RunbookVersion;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;

/**
 * Reading incidents: the references other modules attach things to, open incidents, lists, what the
 * incident page shows, and the streams that tell pages of changes. Nothing here changes an incident
 * ({@link IncidentCommands} does).
 */
@Service
@Transactional(readOnly = true)
public class Incidents {

    private static final String REF_SELECT = """
            select id, number, title, service, environment, severity, status, started_at, acknowledged_at,
                   resolved_at, commander, runbook_version_id, stage, context, drill
            from incident""";

    private final IncidentRepository incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final IncidentChanges changes;
    private final JdbcClient jdbc;
    private final Clock clock;

    Incidents(IncidentRepository incidents, Runbooks runbooks, Timeline timeline, IncidentChanges changes,
            JdbcClient jdbc, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.changes = changes;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Filters of a list, each optional: any of {@code statuses} (none: all), service, environment and severity
     * as given, {@code text} within the title (any case) or the incident's key, start times in [from, to).
     */
    public record Query(Set<IncidentStatus> statuses, String service, String environment, Severity severity, String text,
            Instant from, Instant to, int page, int size) {

        public Query {
            statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
            text = text == null || text.isBlank() ? null : text.strip();
        }
    }

    /** What the incident page shows, read at once: the incident, its runbook and the newest timeline entries first. */
    public record Page(IncidentRef ref, IncidentView incident, Runbook runbook, List<TimelineEntry> newestEntries) {
    }

    // --- for other modules

    /**
     * An incident by key; empty when there is none. Read with SQL, not as an entity, so a later change in
     * the same transaction locks and reads the incident afresh.
     */
    public Optional<IncidentRef> ref(IncidentKey key) {
        return refs("number = :value", key.number()).stream().findFirst();
    }

    /** An incident by key as people write it; refused as not found when there is none. */
    public IncidentRef require(String key) {
        return ref(IncidentKey.of(key)).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
    }

    /** An incident by id, for other modules that keep the id; empty when there is none. */
    public Optional<IncidentRef> ref(long id) {
        return refs("id = :value", id).stream().findFirst();
    }

    /** Incidents in the order they were declared, after id {@code afterId}, for other modules to build what they keep of each. */
    public List<IncidentRef> after(long afterId, int limit) {
        return jdbc.sql(REF_SELECT + " where id > :after order by id limit :limit")
                .param("after", afterId)
                .param("limit", limit)
                .query(Incidents::refRow)
                .list();
    }

    /** Every open incident, newest first, for other modules to match things against. */
    public List<IncidentRef> open() {
        return refs("status = :value", IncidentStatus.OPEN.name());
    }

    /** The newest drills (at most {@code limit}), newest first, for the drill reports to compare. */
    public List<IncidentRef> drills(int limit) {
        return jdbc.sql(REF_SELECT + " where drill is not null order by started_at desc, number desc limit :limit")
                .param("limit", limit)
                .query(Incidents::refRow)
                .list();
    }

    // --- for the incident's pages and API

    public IncidentView view(IncidentKey key) {
        Incident incident = find(key);
        return view(incident, runbook(incident), Incident.now(clock));
    }

    public List<TimelineEntry> timeline(IncidentKey key, long afterId, int limit) {
        return timeline.of(find(key).id(), afterId, limit);
    }

    /** The id of the newest timeline entry of any incident (0 when there is none). */
    public long newestEntryId() {
        return timeline.latestId(null);
    }

    public Page page(IncidentKey key, int entries) {
        Incident incident = find(key);
        return page(incident, timeline.newest(incident.id(), entries), true);
    }

    /**
     * The page as {@link #page(IncidentKey, int)}, with only the entries after {@code afterId} (at most {@code limit}),
     * newest first, and the steps' marks only when {@code stepsShown} says the facts of those entries show them.
     */
    public Page pageSince(IncidentKey key, long afterId, int limit, Predicate<List<Fact>> stepsShown) {
        Incident incident = find(key);
        List<TimelineEntry> entries = timeline.of(incident.id(), afterId, limit).reversed();
        return page(incident, entries, stepsShown.test(entries.stream().map(TimelineEntry::fact).toList()));
    }

    public IncidentSummary.Page list(Query query) {
        SqlWhere where = where(query);
        long total = jdbc.sql("select count(*) from incident" + where).params(where.params()).query(Long.class).single();
        return new IncidentSummary.Page(items(query), query.page(), query.size(), total);
    }

    /** A page of the list without counting the whole of it (the dashboard shows no total). */
    public List<IncidentSummary> items(Query query) {
        SqlWhere where = where(query);
        return jdbc.sql("""
                select number, title, service, environment, severity, status, stage, started_at, next_deadline_at,
                       acknowledged_at, commander, resolved_at, runbook_version_id, drill is not null as drill
                from incident""" + where + " order by started_at desc, number desc limit :size offset :offset")
                .params(where.params())
                .param("size", query.size())
                .param("offset", (long) query.page() * query.size())
                .query((rs, row) -> new IncidentSummary(new IncidentKey(rs.getLong("number")), rs.getString("title"),
                        rs.getString("service"), rs.getString("environment"), Severity.valueOf(rs.getString("severity")),
                        IncidentStatus.valueOf(rs.getString("status")), rs.getString("stage"),
                        stageTitle(rs.getLong("runbook_version_id"), rs.getString("stage")),
                        rs.getTimestamp("started_at").toInstant(), instant(rs.getTimestamp("next_deadline_at")),
                        rs.getTimestamp("acknowledged_at") != null, rs.getString("commander"),
                        instant(rs.getTimestamp("resolved_at")), rs.getBoolean("drill")))
                .list();
    }

    /**
     * Server-sent events telling of changes to one incident (or to every incident when {@code key} is null);
     * {@code lastEventId} is the client's {@code Last-Event-ID} header, if it sent one. The stream ends once
     * {@code allowed} says its reader may no longer read it.
     */
    public SseEmitter changes(IncidentKey key, String lastEventId, BooleanSupplier allowed) {
        return changes.subscribe(audience(key), lastEventId, newestEntryId(key), allowed);
    }

    /**
     * A page's stream of its incident's changes ({@code key}) or of all of them (null), sent as {@code renderer}
     * renders them; {@code after}: the newest entry the page shows.
     */
    SseEmitter pageChanges(IncidentKey key, long after, String lastEventId, BooleanSupplier allowed, IncidentChanges.Renderer renderer) {
        return changes.subscribePage(audience(key), after, lastEventId, newestEntryId(key), allowed, renderer);
    }

    private static String audience(IncidentKey key) {
        return key == null ? IncidentChanges.ALL : key.toString();
    }

    /** How the newest entry of the incident (of any, when {@code key} is null) is read; refused when there is no such incident. */
    private LongSupplier newestEntryId(IncidentKey key) {
        Long id = key == null ? null : find(key).id();
        return () -> timeline.latestId(id);
    }

    /** Open incidents by their current stage, for the metrics; drills are no incidents to alert on. */
    Map<String, Long> openByStage() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select stage, count(*) from incident where status = 'OPEN' and drill is null group by stage")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    // --- shared with the commands

    IncidentView view(Incident incident, RunbookVersion version, Instant now) {
        return IncidentView.of(incident, version, stepMarks(incident), now);
    }

    RunbookVersion runbook(Incident incident) {
        return runbooks.byId(incident.runbookVersionId())
                .orElseThrow(() -> new IllegalStateException("Runbook version " + incident.runbookVersionId() + " is gone"));
    }

    static IncidentRef ref(Incident i) {
        return new IncidentRef(i.id(), i.key(), i.title(), i.service(), i.environment(), i.severity(), i.status(), i.startedAt(),
                i.acknowledgedAt(), i.resolvedAt(), i.commander(), i.runbookVersionId(), i.stage(), i.context(), i.drill());
    }

    /** The page with the step marks, or without them ({@code withSteps} false) when nothing shows them. */
    private Page page(Incident incident, List<TimelineEntry> newestFirst, boolean withSteps) {
        RunbookVersion version = runbook(incident);
        IncidentView view = IncidentView.of(incident, version, withSteps ? stepMarks(incident) : List.of(), Incident.now(clock));
        return new Page(ref(incident), view, version.runbook(), newestFirst);
    }

    /** The latest mark of every marked step. */
    private List<IncidentView.StepMark> stepMarks(Incident incident) {
        Map<String, IncidentView.StepMark> latest = new LinkedHashMap<>();
        for (Timeline.Recorded<Fact.StepMarked> marked : timeline.ofKind(incident.id(), Fact.StepMarked.class)) {
            Fact.StepMarked m = marked.fact();
            latest.put(m.stage() + "/" + m.step(), new IncidentView.StepMark(m.stage(), m.step(),
                    StepOutcome.fromLabel(m.outcome()).orElseThrow(), m.note(), marked.entry().actor().id(),
                    marked.entry().at()));
        }
        return List.copyOf(latest.values());
    }

    private Incident find(IncidentKey key) {
        return incidents.findByNumber(key.number()).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key.toString()));
    }

    /** The title of a stage of a runbook version (cached by the runbooks), or none for follow-up. */
    private String stageTitle(long runbookVersionId, String stageKey) {
        return runbooks.byId(runbookVersionId).flatMap(v -> v.runbook().findStage(stageKey)).map(Runbook.Stage::title).orElse(null);
    }

    /** The query's filters as SQL. */
    private static SqlWhere where(Query query) {
        return new SqlWhere("true")
                .and("status = any(:statuses)", "statuses", query.statuses().isEmpty() ? null
                        : SqlArrays.of("text", query.statuses().stream().map(IncidentStatus::name).toArray()))
                .equal("service", "service", query.service())
                .equal("environment", "environment", query.environment())
                .equal("severity", "severity", query.severity() == null ? null : query.severity().name())
                .and("(title ilike :text escape '\\' or 'INC-' || number = upper(:key))", "text", query.text() == null ? null
                        : "%" + query.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                .param("key", query.text())
                .and("started_at >= :from", "from", query.from())
                .and("started_at < :to", "to", query.to());
    }

    private List<IncidentRef> refs(String condition, Object value) {
        return jdbc.sql(REF_SELECT + " where " + condition + " order by started_at desc")
                .param("value", value)
                .query(Incidents::refRow)
                .list();
    }

    private static IncidentRef refRow(ResultSet rs, int row) throws SQLException {
        return new IncidentRef(rs.getLong("id"), new IncidentKey(rs.getLong("number")), rs.getString("title"),
                rs.getString("service"), rs.getString("environment"), Severity.valueOf(rs.getString("severity")),
                IncidentStatus.valueOf(rs.getString("status")), rs.getTimestamp("started_at").toInstant(),
                instant(rs.getTimestamp("acknowledged_at")), instant(rs.getTimestamp("resolved_at")),
                rs.getString("commander"), rs.getLong("runbook_version_id"), rs.getString("stage"),
                IncidentContext.read(rs.getString("context")), Drill.Column.read(rs.getString("drill")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
