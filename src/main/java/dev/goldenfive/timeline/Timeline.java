package dev.goldenfive.timeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;

/**
 * The append-only record of every incident. Entries are written in the transaction of the change they
 * record (so there is never a change without its entry, or an entry without its change) and are never
 * changed afterwards; the database refuses updates and deletes.
 */
@Service
public class Timeline {

    /** Most entries one read returns. */
    public static final int MAX_PAGE = 1000;
    private static final String SELECT =
            "select id, incident_id, at, kind, actor_kind, actor_id, summary, details from timeline_entry";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Timeline(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        // facts written by a later version may carry fields this one does not know
        this.json = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** Only inside the transaction of the change the entry records. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TimelineEntry append(long incidentId, Instant at, Actor actor, String summary, Fact fact) {
        long id = jdbc.sql("""
                insert into timeline_entry (incident_id, at, kind, actor_kind, actor_id, summary, details)
                values (:incident, :at, :kind, :actorKind, :actorId, :summary, cast(:details as jsonb))
                returning id
                """)
                .param("incident", incidentId)
                .param("at", Timestamp.from(at))
                .param("kind", fact.kind())
                .param("actorKind", actor.kind().name())
                .param("actorId", actor.id())
                .param("summary", summary)
                .param("details", Facts.json(json, fact))
                .query(Long.class)
                .single();
        return new TimelineEntry(id, incidentId, at, actor, summary, fact);
    }

    /** Entries of an incident in the order they were written, after entry {@code afterId} (0: from the start). */
    @Transactional(readOnly = true)
    public List<TimelineEntry> of(long incidentId, long afterId, int limit) {
        return of(incidentId, List.of(), null, afterId, limit);
    }

    /** The newest {@code limit} entries of an incident, newest first. */
    @Transactional(readOnly = true)
    public List<TimelineEntry> newest(long incidentId, int limit) {
        return jdbc.sql("""
                %s
                where incident_id = :incident order by id desc limit :limit
                """.formatted(SELECT))
                .param("incident", incidentId)
                .param("limit", Math.clamp(limit, 1, MAX_PAGE))
                .query(this::entry)
                .list();
    }

    /** The id of the newest entry of an incident, or of all incidents when {@code incidentId} is null; 0 when none. */
    @Transactional(readOnly = true)
    public long latestId(Long incidentId) {
        return jdbc.sql(incidentId == null ? "select coalesce(max(id), 0) from timeline_entry"
                        : "select coalesce(max(id), 0) from timeline_entry where incident_id = :incident")
                .param("incident", incidentId)
                .query(Long.class)
                .single();
    }

    /** The facts of one kind of an incident, with their entries, in the order they were written. */
    @Transactional(readOnly = true)
    public <F extends Fact> List<Recorded<F>> ofKind(long incidentId, Class<F> type) {
        return jdbc.sql("""
                %s
                where incident_id = :incident and kind = :kind order by id
                """.formatted(SELECT))
                .param("incident", incidentId)
                .param("kind", Facts.kind(type))
                .query(this::entry)
                .list().stream()
                .map(entry -> new Recorded<>(entry, type.cast(entry.fact())))
                .toList();
    }

    /** How many facts of one kind an incident's timeline holds. */
    @Transactional(readOnly = true)
    public long count(long incidentId, Class<? extends Fact> type) {
        return jdbc.sql("select count(*) from timeline_entry where incident_id = :incident and kind = :kind")
                .param("incident", incidentId)
                .param("kind", Facts.kind(type))
                .query(Long.class).single();
    }

    /** A fact of a known kind with the entry that records it. */
    public record Recorded<F extends Fact>(TimelineEntry entry, F fact) {
    }

    /**
     * Entries of an incident in the order they were written, after entry {@code afterId}, only of the
     * {@code kinds} given (all when empty) and only by the actor {@code actorId} (anyone when null).
     */
    @Transactional(readOnly = true)
    public List<TimelineEntry> of(long incidentId, Collection<String> kinds, String actorId, long afterId, int limit) {
        return jdbc.sql(SELECT + " where incident_id = :incident and id > :after"
                        + (kinds.isEmpty() ? "" : " and kind = any(:kinds)")
                        + (actorId == null ? "" : " and actor_id = :actor")
                        + " order by id limit :limit")
                .param("incident", incidentId)
                .param("after", afterId)
                .param("kinds", SqlArrays.of("varchar", kinds.toArray()))
                .param("actor", actorId)
                .param("limit", Math.clamp(limit, 1, MAX_PAGE))
                .query(this::entry)
                .list();
    }

    /** Entries of an incident in order, only of the {@code types} of fact given (all when empty), the first {@code max} of them. */
    @Transactional(readOnly = true)
    public List<TimelineEntry> all(long incidentId, Collection<Class<? extends Fact>> types, int max) {
        List<String> kinds = types.stream().map(Facts::kind).toList();
        List<TimelineEntry> all = new ArrayList<>();
        List<TimelineEntry> page;
        do {
            page = of(incidentId, kinds, null, all.isEmpty() ? 0 : all.getLast().id(), Math.min(MAX_PAGE, max - all.size()));
            all.addAll(page);
        } while (page.size() == MAX_PAGE && all.size() < max);
        return all;
    }

    /** Whether {@code actor} wrote any entry of the incident (up to {@code until}, when given). */
    @Transactional(readOnly = true)
    public boolean wrote(long incidentId, Actor actor, Instant until) {
        return jdbc.sql("select exists (select 1 from timeline_entry where incident_id = :incident and actor_kind = :kind"
                        + " and actor_id = :actor" + (until == null ? "" : " and at <= :until") + ")")
                .param("incident", incidentId)
                .param("kind", actor.kind().name())
                .param("actor", actor.id())
                .param("until", until == null ? null : Timestamp.from(until))
                .query(Boolean.class)
                .single();
    }

    /** The kinds of entry an incident has, and everyone who wrote one, for filters. */
    public record Facets(List<String> kinds, List<Actor> actors) {
    }

    @Transactional(readOnly = true)
    public Facets facets(long incidentId) {
        List<String> kinds = jdbc.sql("select distinct kind from timeline_entry where incident_id = :incident order by kind")
                .param("incident", incidentId)
                .query(String.class)
                .list();
        List<Actor> actors = jdbc.sql("select distinct actor_kind, actor_id from timeline_entry where incident_id = :incident"
                        + " order by actor_kind, actor_id")
                .param("incident", incidentId)
                .query((rs, row) -> new Actor(Actor.Kind.valueOf(rs.getString(1)), rs.getString(2)))
                .list();
        return new Facets(kinds, actors);
    }

    private TimelineEntry entry(ResultSet rs, int row) throws SQLException {
        return new TimelineEntry(rs.getLong("id"), rs.getLong("incident_id"), rs.getTimestamp("at").toInstant(),
                new Actor(Actor.Kind.valueOf(rs.getString("actor_kind")), rs.getString("actor_id")),
                rs.getString("summary"), Facts.read(json, rs.getString("kind"), rs.getString("details")));
    }
}
