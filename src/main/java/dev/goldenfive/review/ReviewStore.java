package dev.goldenfive.review;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.goldenfive.timeline.Actor;

/** Reviews, their action items and edit history in PostgreSQL. */
@Repository
class ReviewStore {

    private static final String SECTIONS = "summary, impact, root_cause, root_cause_category, went_well, went_badly, contributing_factors";

    /** One entry of the edit history. */
    record Edit(long id, Instant at, Actor by, Map<String, Review.Change> changes) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ReviewStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The stored review, locked for a change when {@code lock}. */
    Optional<Review> find(long incidentId, boolean lock) {
        return jdbc.sql("select status, " + SECTIONS + ", created_at, created_by, updated_at, updated_by, completed_at,"
                        + " completed_by, version from review where incident_id = :id" + (lock ? " for update" : ""))
                .param("id", incidentId)
                .query((rs, row) -> review(incidentId, rs))
                .optional();
    }

    private Review review(long incidentId, ResultSet rs) throws SQLException {
        Map<Section, String> sections = new EnumMap<>(Section.class);
        for (Section section : Section.values()) {
            String text = rs.getString(section.column());
            sections.put(section, text == null ? "" : text);
        }
        return Review.stored(incidentId, ReviewStatus.valueOf(rs.getString("status")), sections, items(incidentId),
                instant(rs.getTimestamp("created_at")), rs.getString("created_by"), instant(rs.getTimestamp("updated_at")),
                rs.getString("updated_by"), instant(rs.getTimestamp("completed_at")), rs.getString("completed_by"),
                rs.getLong("version"));
    }

    private List<ActionItem> items(long incidentId) {
        return jdbc.sql("select id, title, owner, due_on, status, link from review_action_item where incident_id = :id order by position")
                .param("id", incidentId)
                .query((rs, row) -> new ActionItem(rs.getLong("id"), rs.getString("title"), rs.getString("owner"),
                        rs.getDate("due_on") == null ? null : rs.getDate("due_on").toLocalDate(),
                        ActionItem.Status.valueOf(rs.getString("status")), rs.getString("link")))
                .list();
    }

    /** The review's status, share-locked so it cannot be reopened while an incident closes on it. */
    Optional<ReviewStatus> statusForClosing(long incidentId) {
        return jdbc.sql("select status from review where incident_id = :id for share")
                .param("id", incidentId)
                .query((rs, row) -> ReviewStatus.valueOf(rs.getString(1)))
                .optional();
    }

    /** Writes the review (its version one higher) and what changed, in the caller's transaction. */
    void save(Review review, Map<String, Review.Change> changes, Actor by) {
        var statement = jdbc.sql(review.stored()
                        ? "update review set status = :status, summary = :summary, impact = :impact, root_cause = :rootCause,"
                          + " root_cause_category = :rootCauseCategory, went_well = :wentWell, went_badly = :wentBadly,"
                          + " contributing_factors = :contributingFactors, updated_at = :updatedAt, updated_by = :updatedBy,"
                          + " completed_at = :completedAt, completed_by = :completedBy, version = version + 1"
                          + " where incident_id = :id returning version"
                        : "insert into review (incident_id, status, " + SECTIONS + ", created_at, created_by, updated_at,"
                          + " updated_by, completed_at, completed_by, version) values (:id, :status, :summary, :impact,"
                          + " :rootCause, :rootCauseCategory, :wentWell, :wentBadly, :contributingFactors, :createdAt,"
                          + " :createdBy, :updatedAt, :updatedBy, :completedAt, :completedBy, 1) returning version")
                .param("id", review.incidentId())
                .param("status", review.status().name())
                .param("createdAt", timestamp(review.createdAt()))
                .param("createdBy", review.createdBy())
                .param("updatedAt", timestamp(review.updatedAt()))
                .param("updatedBy", review.updatedBy())
                .param("completedAt", timestamp(review.completedAt()))
                .param("completedBy", review.completedBy());
        for (Section section : Section.values()) {
            String text = review.section(section);
            statement = statement.param(section.field(), section == Section.ROOT_CAUSE_CATEGORY && text.isEmpty() ? null : text);
        }
        long version = statement.query(Long.class).single();
        if (changes.containsKey("actionItems")) {
            saveItems(review);
            review.storedAs(version, items(review.incidentId()));
            // new items have their ids now: the history shows them
            changes.put("actionItems", new Review.Change(changes.get("actionItems").from(), review.items()));
        }
        else {
            review.storedAs(version, review.items());
        }
        jdbc.sql("insert into review_edit (incident_id, at, actor_kind, actor_id, changes)"
                        + " values (:id, :at, :kind, :actor, cast(:changes as jsonb))")
                .param("id", review.incidentId())
                .param("at", timestamp(review.updatedAt()))
                .param("kind", by.kind().name())
                .param("actor", by.id())
                .param("changes", json.writeValueAsString(changes))
                .update();
    }

    /** Items keep their ids; new ones get theirs. */
    private void saveItems(Review review) {
        jdbc.sql("delete from review_action_item where incident_id = :id").param("id", review.incidentId()).update();
        int position = 0;
        for (ActionItem item : review.items()) {
            jdbc.sql(item.id() == null
                            ? "insert into review_action_item (incident_id, position, title, owner, due_on, status, link)"
                              + " values (:incident, :position, :title, :owner, :due, :status, :link)"
                            : "insert into review_action_item (id, incident_id, position, title, owner, due_on, status, link)"
                              + " overriding system value values (:id, :incident, :position, :title, :owner, :due, :status, :link)")
                    .param("id", item.id())
                    .param("incident", review.incidentId())
                    .param("position", position++)
                    .param("title", item.title())
                    .param("owner", item.owner())
                    .param("due", item.due() == null ? null : Date.valueOf(item.due()))
                    .param("status", item.status().name())
                    .param("link", item.link())
                    .update();
        }
    }

    private static final TypeReference<Map<String, Review.Change>> CHANGES = new TypeReference<>() {
    };

    /** The edit history, newest first. */
    List<Edit> history(long incidentId) {
        return jdbc.sql("select id, at, actor_kind, actor_id, changes from review_edit where incident_id = :id order by id desc")
                .param("id", incidentId)
                .query((rs, row) -> new Edit(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                        new Actor(Actor.Kind.valueOf(rs.getString("actor_kind")), rs.getString("actor_id")),
                        json.readValue(rs.getString("changes"), CHANGES)))
                .list();
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
