package dev.goldenfive.incident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.RunbookVersion;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.security.UserView;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.timeline.TimelineEntry;
import dev.goldenfive.web.InvalidField;

/**
 * Declaring incidents and acting on them. Every change takes the incident's row lock, so people and the
 * timers never act on the same incident at once, and is recorded in the timeline and published as an
 * {@link IncidentEvent} in the same transaction.
 */
@Service
@Transactional
public class IncidentManagement {

    /** The runbook an incident follows when the declaration names none. */
    public static final String DEFAULT_RUNBOOK = "go-module-download";
    /** Clocks disagree a little; a start further ahead than this is a mistake. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    /** The earliest start a declaration may give, back from now. */
    public static final Duration OLDEST_START = Duration.ofDays(30);
    static final int MAX_SUMMARY = 2000;
    /** How incidents are named: INC- and their number. */
    public static final String KEY = "INC-[1-9][0-9]{0,17}";

    private final IncidentRepository incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final UserAccounts accounts;
    private final ApplicationEventPublisher publisher;
    private final IncidentChanges changes;
    private final JdbcClient jdbc;
    private final ObjectProvider<CloseCondition> closeConditions;
    private final Clock clock;

    IncidentManagement(IncidentRepository incidents, Runbooks runbooks, Timeline timeline, UserAccounts accounts,
            ApplicationEventPublisher publisher, IncidentChanges changes, JdbcClient jdbc,
            ObjectProvider<CloseCondition> closeConditions, Clock clock) {
        this.closeConditions = closeConditions;
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.accounts = accounts;
        this.publisher = publisher;
        this.changes = changes;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What a declaration says; {@code runbook}, {@code runbookVersion}, {@code startedAt} and {@code commander} may be absent. */
    public record Declaration(String title, String service, String environment, Severity severity, String runbook,
            Integer runbookVersion, Instant startedAt, String commander) {
    }

    /** The optional words that go with an action: a note, the resolution summary, a reason, the commander. */
    public record ActionInput(String note, String summary, String reason, String commander) {

        public static final ActionInput NONE = new ActionInput(null, null, null, null);
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

    public IncidentView declare(Declaration declaration, Actor by) {
        Instant now = now();
        String runbookKey = declaration.runbook() == null || declaration.runbook().isBlank()
                ? DEFAULT_RUNBOOK : declaration.runbook();
        RunbookVersion version = (declaration.runbookVersion() == null
                ? runbooks.latest(runbookKey) : runbooks.version(runbookKey, declaration.runbookVersion()))
                .orElseThrow(() -> declaration.runbookVersion() == null
                        ? new InvalidField("runbook", "'" + runbookKey + "' is not a runbook")
                        : new InvalidField("runbookVersion", "runbook '" + runbookKey + "' has no version " + declaration.runbookVersion()));
        Instant startedAt = declaration.startedAt() == null ? now : declaration.startedAt().truncatedTo(ChronoUnit.MICROS);
        if (startedAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidField("startedAt", "must not be in the future");
        }
        if (startedAt.isBefore(now.minus(OLDEST_START))) {
            throw new InvalidField("startedAt", "must be within the last " + OLDEST_START.toDays() + " days");
        }
        String commander = declaration.commander() == null ? null : requireUser("commander", declaration.commander());
        long number = jdbc.sql("select nextval('incident_number_seq')").query(Long.class).single();
        Incident incident = Incident.declare(number, declaration.title().strip(), declaration.service().strip(),
                declaration.environment().strip(), declaration.severity(), version.id(), version.key(), version.version(),
                version.runbook(), startedAt, by, now);
        if (commander != null) {
            incident.assignCommander(commander, by, now);
        }
        incidents.saveAndFlush(incident);
        record(incident);
        return IncidentView.of(incident, version, List.of(), now);
    }

    public IncidentView act(String key, IncidentAction action, ActionInput input, Actor by) {
        Incident incident = lock(key);
        RunbookVersion version = runbook(incident);
        Instant now = now();
        ActionInput words = input == null ? ActionInput.NONE : input;
        // a deadline that is due but not yet fired happened first: the action applies to the stage after it
        incident.fireDeadlines(version.runbook(), now);
        switch (action) {
            case ACKNOWLEDGE -> incident.acknowledge(by, now);
            case MITIGATE -> incident.mitigate(blankToNull(words.note()), by, now);
            case ASSIGN_COMMANDER -> incident.assignCommander(requireUser("commander", words.commander()), by, now);
            case ADVANCE -> incident.advance(version.runbook(), blankToNull(words.reason()), by, now);
            case RESOLVE -> incident.resolve(blankToNull(words.summary()), by, now);
            case REOPEN -> incident.reopen(version.runbook(), blankToNull(words.note()), by, now);
            case CLOSE -> {
                if (incident.allowedActions().contains(IncidentAction.CLOSE)) {
                    IncidentRef ref = ref(incident);
                    // asked lazily: the modules that set conditions depend on this service
                    closeConditions.orderedStream().forEach(condition -> condition.check(ref));
                }
                incident.close(blankToNull(words.note()), by, now);
            }
        }
        record(incident);
        return IncidentView.of(incident, version, stepMarks(incident), now);
    }

    public TimelineEntry markStep(String key, String stage, String step, StepOutcome outcome, String note, Actor by) {
        Incident incident = lock(key);
        incident.markStep(runbook(incident).runbook(), stage, step, outcome, blankToNull(note), by, now());
        return record(incident).getLast();
    }

    public TimelineEntry addNote(String key, String text, Actor by) {
        Incident incident = lock(key);
        incident.addNote(text.strip(), by, now());
        return record(incident).getLast();
    }

    @Transactional(readOnly = true)
    public IncidentView view(String key) {
        Incident incident = find(key);
        return IncidentView.of(incident, runbook(incident), stepMarks(incident), now());
    }

    @Transactional(readOnly = true)
    public List<TimelineEntry> timeline(String key, long afterId, int limit) {
        return timeline.of(find(key).id(), afterId, limit);
    }

    /** The id of the newest timeline entry of any incident (0 when there is none). */
    @Transactional(readOnly = true)
    public long newestEntryId() {
        return timeline.latestId(null);
    }

    /** What the incident page shows, read at once: the incident, its runbook and the newest timeline entries first. */
    public record Page(IncidentRef ref, IncidentView incident, Runbook runbook, List<TimelineEntry> newestEntries) {
    }

    @Transactional(readOnly = true)
    public Page page(String key, int entries) {
        Incident incident = find(key);
        return page(incident, timeline.newest(incident.id(), entries));
    }

    /** The page as {@link #page(String, int)}, with only the entries after {@code afterId} (at most {@code limit}), newest first. */
    @Transactional(readOnly = true)
    public Page pageSince(String key, long afterId, int limit) {
        Incident incident = find(key);
        return page(incident, timeline.of(incident.id(), afterId, limit).reversed());
    }

    private Page page(Incident incident, List<TimelineEntry> newestFirst) {
        RunbookVersion version = runbook(incident);
        return new Page(ref(incident), IncidentView.of(incident, version, stepMarks(incident), now()), version.runbook(),
                newestFirst);
    }

    @Transactional(readOnly = true)
    public IncidentSummary.Page list(Query query) {
        SqlWhere where = where(query);
        long total = jdbc.sql("select count(*) from incident" + where).params(where.params()).query(Long.class).single();
        return new IncidentSummary.Page(items(query), query.page(), query.size(), total);
    }

    /** A page of the list without counting the whole of it (the dashboard shows no total). */
    @Transactional(readOnly = true)
    public List<IncidentSummary> items(Query query) {
        SqlWhere where = where(query);
        return jdbc.sql("""
                select number, title, service, environment, severity, status, stage, started_at, next_deadline_at,
                       acknowledged_at, commander, resolved_at, runbook_version_id
                from incident""" + where + " order by started_at desc, number desc limit :size offset :offset")
                .params(where.params())
                .param("size", query.size())
                .param("offset", (long) query.page() * query.size())
                .query((rs, row) -> new IncidentSummary(key(rs.getLong("number")), rs.getString("title"),
                        rs.getString("service"), rs.getString("environment"), Severity.valueOf(rs.getString("severity")),
                        IncidentStatus.valueOf(rs.getString("status")), rs.getString("stage"),
                        stageTitle(rs.getLong("runbook_version_id"), rs.getString("stage")),
                        rs.getTimestamp("started_at").toInstant(), instant(rs.getTimestamp("next_deadline_at")),
                        rs.getTimestamp("acknowledged_at") != null, rs.getString("commander"),
                        instant(rs.getTimestamp("resolved_at"))))
                .list();
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

    /** Incidents whose deadline is due, earliest first, but those {@code setAside} (the timers then fire them one by one). */
    @Transactional(readOnly = true)
    List<Long> due(int limit, Set<Long> setAside) {
        return jdbc.sql("select id from incident where next_deadline_at <= :now and id <> all(:setAside)"
                        + " order by next_deadline_at limit :limit")
                .param("setAside", SqlArrays.of("int8", setAside.toArray()))
                .param("now", Timestamp.from(now()))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /**
     * Fires the due deadlines of one incident in a transaction of its own, unless another replica (or a
     * person) holds it right now; then it is due again at the next pass. True when something fired.
     */
    boolean fire(long id) {
        // the same lock people take (Hibernate's PESSIMISTIC_WRITE): it leaves rows that reference the incident
        // free to be inserted, as FOR UPDATE would not (a foreign key's check would wait on it)
        Optional<Long> locked = jdbc.sql("select id from incident where id = :id and next_deadline_at <= :now"
                        + " for no key update skip locked")
                .param("id", id)
                .param("now", Timestamp.from(now()))
                .query(Long.class)
                .optional();
        if (locked.isEmpty()) {
            return false;
        }
        Incident incident = incidents.findById(id).orElseThrow();
        // the time of the firing itself, so the recorded lateness includes every wait before it
        if (!incident.fireDeadlines(runbook(incident).runbook(), now())) {
            return false;
        }
        record(incident);
        return true;
    }

    /** The earliest deadline still to fire, if any, but those of the incidents {@code setAside}. */
    @Transactional(readOnly = true)
    Optional<Instant> earliestDeadline(Set<Long> setAside) {
        return jdbc.sql("select min(next_deadline_at) from incident where next_deadline_at is not null and id <> all(:setAside)")
                .param("setAside", SqlArrays.of("int8", setAside.toArray()))
                .query(Timestamp.class).optional().map(Timestamp::toInstant);
    }

    /** Open incidents by their current stage, for the metrics. */
    @Transactional(readOnly = true)
    Map<String, Long> openByStage() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select stage, count(*) from incident where status = 'OPEN' group by stage")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private List<TimelineEntry> record(Incident incident) {
        // the row as the events describe it, for listeners that read it with SQL in this transaction
        incidents.flush();
        List<TimelineEntry> written = new ArrayList<>();
        for (IncidentEvent event : incident.takeEvents()) {
            written.add(timeline.append(incident.id(), event.at(), event.kind(), event.actor(), event.summary(),
                    event.details()));
            publisher.publishEvent(event);
        }
        if (!written.isEmpty()) {
            changes.changed(incident.key(), written.getLast().id());
        }
        return written;
    }

    /**
     * Server-sent events telling of changes to one incident (or to every incident when {@code key} is null);
     * {@code lastEventId} is the client's {@code Last-Event-ID} header, if it sent one. The stream ends once
     * {@code allowed} says its reader may no longer read it.
     */
    @Transactional(readOnly = true)
    public SseEmitter changes(String key, String lastEventId, BooleanSupplier allowed) {
        if (key == null) {
            return changes.subscribe(IncidentChanges.ALL, lastEventId, () -> timeline.latestId(null), allowed);
        }
        long id = find(key).id();
        return changes.subscribe(key, lastEventId, () -> timeline.latestId(id), allowed);
    }

    /**
     * An incident by key, for other modules; empty when there is none. Read with SQL, not as an entity, so a
     * later change in the same transaction locks and reads the incident afresh.
     */
    @Transactional(readOnly = true)
    public Optional<IncidentRef> ref(String key) {
        return parse(key).flatMap(number -> refs("number = :value", number).stream().findFirst());
    }

    /** An incident by key, for other modules; 404 when there is none. */
    @Transactional(readOnly = true)
    public IncidentRef require(String key) {
        return ref(key).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
    }

    /** An incident by id, for other modules that keep the id; empty when there is none. */
    @Transactional(readOnly = true)
    public Optional<IncidentRef> ref(long id) {
        return refs("id = :value", id).stream().findFirst();
    }

    /** Incidents in the order they were declared, after id {@code afterId}, for other modules to build what they keep of each. */
    @Transactional(readOnly = true)
    public List<IncidentRef> after(long afterId, int limit) {
        return jdbc.sql(REF_SELECT + " where id > :after order by id limit :limit")
                .param("after", afterId)
                .param("limit", limit)
                .query(this::refRow)
                .list();
    }

    /** Every open incident, newest first, for other modules to match things against. */
    @Transactional(readOnly = true)
    public List<IncidentRef> open() {
        return refs("status = :value", IncidentStatus.OPEN.name());
    }

    private static final String REF_SELECT = """
            select id, number, title, service, environment, severity, status, started_at, acknowledged_at,
                   resolved_at, commander, runbook_version_id
            from incident""";

    private List<IncidentRef> refs(String condition, Object value) {
        return jdbc.sql(REF_SELECT + " where " + condition + " order by started_at desc")
                .param("value", value)
                .query(this::refRow)
                .list();
    }

    private IncidentRef refRow(ResultSet rs, int row) throws SQLException {
        return new IncidentRef(rs.getLong("id"), key(rs.getLong("number")), rs.getString("title"),
                rs.getString("service"), rs.getString("environment"), Severity.valueOf(rs.getString("severity")),
                IncidentStatus.valueOf(rs.getString("status")), rs.getTimestamp("started_at").toInstant(),
                instant(rs.getTimestamp("acknowledged_at")), instant(rs.getTimestamp("resolved_at")),
                rs.getString("commander"), rs.getLong("runbook_version_id"));
    }

    /**
     * Records what another module found out about an incident (a diagnosis, an alert) in its timeline, in the
     * caller's transaction, and tells open pages.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public TimelineEntry recordFinding(IncidentRef incident, String kind, Actor by, String summary,
            Map<String, Object> details) {
        // summaries are for people: a line, not a document (details hold the facts)
        String line = summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY - 1) + "…";
        TimelineEntry entry = timeline.append(incident.id(), now(), kind, by, line, details);
        changes.changed(incident.key(), entry.id());
        publisher.publishEvent(new FindingRecorded(incident, entry));
        return entry;
    }

    /** Tells open pages of the incident, soon after this transaction commits, that something they show changed. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void touched(IncidentRef incident) {
        changes.touched(incident.key());
    }

    private static IncidentRef ref(Incident i) {
        return new IncidentRef(i.id(), i.key(), i.title(), i.service(), i.environment(), i.severity(), i.status(), i.startedAt(),
                i.acknowledgedAt(), i.resolvedAt(), i.commander(), i.runbookVersionId());
    }

    /** The latest mark of every marked step. */
    private List<IncidentView.StepMark> stepMarks(Incident incident) {
        Map<String, IncidentView.StepMark> latest = new LinkedHashMap<>();
        for (TimelineEntry entry : timeline.ofKind(incident.id(), "step-marked")) {
            Map<String, Object> d = entry.details();
            String stage = (String) d.get("stage");
            String step = (String) d.get("step");
            latest.put(stage + "/" + step, new IncidentView.StepMark(stage, step,
                    StepOutcome.fromLabel((String) d.get("outcome")).orElseThrow(), (String) d.get("note"),
                    entry.actor().id(), entry.at()));
        }
        return List.copyOf(latest.values());
    }

    /** For a change: the incident under its row lock (see {@link IncidentRepository#lockByNumber}). */
    private Incident lock(String key) {
        return incidents.lockByNumber(number(key)).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
    }

    private Incident find(String key) {
        return incidents.findByNumber(number(key)).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
    }

    private RunbookVersion runbook(Incident incident) {
        return runbooks.byId(incident.runbookVersionId())
                .orElseThrow(() -> new IllegalStateException("Runbook version " + incident.runbookVersionId() + " is gone"));
    }

    private String requireUser(String field, String username) {
        if (username == null || username.isBlank()) {
            throw new InvalidField(field, "must name a user");
        }
        String name = username.strip().toLowerCase(Locale.ROOT);
        return accounts.findByUsername(name)
                .filter(UserView::enabled)
                .orElseThrow(() -> new InvalidField(field, "'" + username.strip() + "' is not an enabled user"))
                .username();
    }

    /** {@code INC-42} → 42; anything else matches no incident. */
    public static long number(String key) {
        return parse(key).orElseThrow(() -> new IncidentProblems.IncidentNotFound(key));
    }

    /** An incident's key from its number: {@code INC-42}. */
    public static String key(long number) {
        return "INC-" + number;
    }

    private static Optional<Long> parse(String key) {
        return key == null || !key.matches(KEY) ? Optional.empty() : Optional.of(Long.parseLong(key.substring(4)));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
