package dev.goldenfive.workaround;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

import dev.goldenfive.database.SqlWhere;
import dev.goldenfive.incident.CloseCondition;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.Severity;
import dev.goldenfive.incident.StepOutcome;
import dev.goldenfive.runbook.WorkaroundKind;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.security.UserView;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * The workaround ledger: temporary changes recorded on an incident, each undone or left in place with a reason.
 * An incident is not closed while one is in place (it is a {@link CloseCondition}).
 */
@Service
@Transactional
public class Workarounds implements CloseCondition {

    /** How far ahead a revert-by time may be. */
    static final Duration LONGEST = Duration.ofDays(90);
    /** Open workarounds the dashboard and reports list at most. */
    static final int MAX_OPEN = 200;
    private static final String SELECT = """
            select w.id, i.number, w.kind, w.what, w.location, w.owner, w.revert_by, w.step_stage, w.step_key, w.status,
                   w.created_at, w.created_by, w.closed_at, w.closed_by, w.note
            from workaround w join incident i on i.id = w.incident_id""";

    private final Incidents incidents;
    private final IncidentCommands commands;
    private final UserAccounts accounts;
    private final JdbcClient jdbc;
    private final Clock clock;

    Workarounds(Incidents incidents, IncidentCommands commands, UserAccounts accounts, JdbcClient jdbc, Clock clock) {
        this.incidents = incidents;
        this.commands = commands;
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A workaround as the ledger holds it; {@code step} is {@code stage/step} when a runbook step made it. */
    public record Workaround(long id, String incident, WorkaroundKind kind, String what, String where, String owner,
            Instant revertBy, String step, String status, Instant createdAt, String createdBy, Instant closedAt,
            String closedBy, String note, boolean overdue) {

        public boolean open() {
            return "open".equals(status);
        }
    }

    /** What a responder records: the change, where it was made, who undoes it and by when. */
    public record Entry(WorkaroundKind kind, String what, String where, String owner, Instant revertBy) {
    }

    /** Records a workaround on the open or resolved incident (409 once it is closed); refused, each wrong field named, when it says too little. */
    public Workaround record(IncidentKey key, Entry entry, Actor by) {
        return record(key, entry, null, null, by);
    }

    /** Marks a runbook step done that makes a workaround, and records the workaround, in one transaction. */
    public Workaround recordStep(IncidentKey key, String stage, String step, Entry entry, String note, Actor by) {
        Workaround recorded = record(key, entry, stage, step, by);
        commands.markStep(key, stage, step, StepOutcome.DONE, note, by);
        return recorded;
    }

    private Workaround record(IncidentKey key, Entry entry, String stage, String step, Actor by) {
        IncidentRef incident = incidents.require(key.toString());
        // under the incident's row lock, as closing it is: a close either sees this workaround or comes first
        String status = jdbc.sql("select status from incident where id = :id for update").param("id", incident.id()).query(String.class).single();
        if ("CLOSED".equals(status)) {
            throw new ErrorResponseException(HttpStatus.CONFLICT, ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    key + " is closed: a workaround is recorded on an open or resolved incident."), null);
        }
        Instant now = clock.instant();
        entry = check(entry, now);
        long id = jdbc.sql("""
                insert into workaround (incident_id, kind, what, location, owner, revert_by, step_stage, step_key, status,
                    created_at, created_by)
                values (:incident, :kind, :what, :where, :owner, :revertBy, :stage, :step, 'open', :now, :by) returning id
                """)
                .param("incident", incident.id()).param("kind", entry.kind().label()).param("what", entry.what().strip())
                .param("where", entry.where().strip()).param("owner", entry.owner().strip())
                .param("revertBy", Timestamp.from(entry.revertBy())).param("stage", stage).param("step", step)
                .param("now", Timestamp.from(now)).param("by", by.id())
                .query(Long.class).single();
        Workaround recorded = find(id);
        commands.record(incident, new Fact.WorkaroundRecorded(id, entry.kind().label(), recorded.what(), recorded.where(),
                recorded.owner(), recorded.revertBy(), recorded.step()), "Workaround in place: " + recorded.what() + " ("
                + recorded.where() + "); " + recorded.owner() + " undoes it by " + recorded.revertBy(), by);
        return recorded;
    }

    /** The entry as stored (its owner named as their account is), or refused with every problem named. */
    private Entry check(Entry entry, Instant now) {
        List<FieldProblem> problems = new ArrayList<>();
        String owner = null;
        if (entry.kind() == null) {
            List<String> kinds = java.util.Arrays.stream(WorkaroundKind.values()).map(WorkaroundKind::label).toList();
            problems.add(FieldProblem.coded("kind", "must be one of " + kinds, "workarounds.problem.kind", String.join(", ", kinds)));
        }
        text("what", entry.what(), 1000, problems);
        text("where", entry.where(), 500, problems);
        if (text("owner", entry.owner(), 64, problems)) {
            var account = accounts.findByUsername(entry.owner().strip()).filter(UserView::enabled);
            if (account.isEmpty()) {
                problems.add(FieldProblem.coded("owner", "'" + entry.owner().strip() + "' is not a user who can sign in",
                        "workarounds.problem.owner", entry.owner().strip()));
            }
            else {
                owner = account.get().username();
            }
        }
        if (entry.revertBy() == null) {
            problems.add(FieldProblem.coded("revertBy", "must say by when it is undone", "workarounds.problem.revertBy.missing"));
        }
        else if (!entry.revertBy().isAfter(now)) {
            problems.add(FieldProblem.coded("revertBy", "must be in the future", "workarounds.problem.revertBy.past"));
        }
        else if (entry.revertBy().isAfter(now.plus(LONGEST))) {
            problems.add(FieldProblem.coded("revertBy", "must be within " + LONGEST.toDays() + " days: a workaround is temporary",
                    "workarounds.problem.revertBy.far", LONGEST.toDays()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        return new Entry(entry.kind(), entry.what(), entry.where(), owner, entry.revertBy());
    }

    private static boolean text(String field, String value, int max, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            problems.add(FieldProblem.coded(field, "must not be blank", "workarounds.problem.blank"));
            return false;
        }
        if (value.strip().length() > max) {
            problems.add(FieldProblem.coded(field, "must be at most " + max + " characters", "workarounds.problem.long", max));
            return false;
        }
        return true;
    }

    /**
     * Undoes a workaround ({@code reverted}), or leaves it in place, which needs {@code note} saying why. Either way it
     * no longer holds the incident open.
     */
    public Workaround close(IncidentKey key, long id, boolean reverted, String note, Actor by) {
        IncidentRef incident = incidents.require(key.toString());
        String why = note == null || note.isBlank() ? null : note.strip();
        if (!reverted && why == null) {
            throw new InvalidFields(List.of(FieldProblem.coded("note", "must say why the workaround stays in place", "workarounds.problem.note")));
        }
        if (why != null && why.length() > 2000) {
            throw new InvalidFields(List.of(FieldProblem.coded("note", "must be at most 2000 characters", "workarounds.problem.long", 2000)));
        }
        int closed = jdbc.sql("""
                update workaround set status = :status, closed_at = :now, closed_by = :by, note = :note
                where id = :id and incident_id = :incident and status = 'open'
                """)
                .param("status", reverted ? "reverted" : "kept").param("now", Timestamp.from(clock.instant())).param("by", by.id())
                .param("note", why).param("id", id).param("incident", incident.id())
                .update();
        if (closed == 0) {
            throw new ErrorResponseException(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                    key + " has no workaround " + id + " in place."), null);
        }
        Workaround done = find(id);
        commands.record(incident, new Fact.WorkaroundClosed(id, done.what(), reverted, why),
                reverted ? "Workaround undone: " + done.what() : "Workaround left in place: " + done.what() + ". Why: " + why, by);
        return done;
    }

    @Transactional(readOnly = true)
    public List<Workaround> forIncident(IncidentKey key) {
        return jdbc.sql(SELECT + " where i.number = :number order by w.id").param("number", key.number()).query(this::workaround).list();
    }

    /** Every workaround still in place, the ones to undo soonest first. */
    @Transactional(readOnly = true)
    public List<Workaround> open() {
        return jdbc.sql(SELECT + " where w.status = 'open' order by w.revert_by, w.id limit " + MAX_OPEN).query(this::workaround).list();
    }

    /**
     * The workarounds still in place of real incidents (drills are left out, as from every report) that started in
     * [from, to), optionally of one service, environment, severity.
     */
    @Transactional(readOnly = true)
    public List<Workaround> inPlace(Instant from, Instant to, String service, String environment, Severity severity) {
        SqlWhere where = new SqlWhere("w.status = 'open' and i.drill is null and i.started_at >= :from and i.started_at < :to")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .equal("i.service", "service", service)
                .equal("i.environment", "environment", environment)
                .equal("i.severity", "severity", severity == null ? null : severity.name());
        return jdbc.sql(SELECT + where + " order by w.revert_by, w.id limit " + MAX_OPEN).params(where.params()).query(this::workaround).list();
    }

    @Transactional(readOnly = true)
    Workaround find(long id) {
        return jdbc.sql(SELECT + " where w.id = :id").param("id", id).query(this::workaround).single();
    }

    /** In the transaction that closes the incident: refused while a workaround is in place. */
    @Override
    public void check(IncidentRef incident) {
        List<String> open = jdbc.sql("select what from workaround where incident_id = :id and status = 'open' order by id")
                .param("id", incident.id()).query(String.class).list();
        if (!open.isEmpty()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, incident.key() + " has " + open.size()
                    + " workaround(s) still in place (" + String.join("; ", open) + "): undo each, or leave it in place saying why.");
            problem.setTitle("Workarounds in place");
            problem.setProperty("workarounds", open);
            // where to go from the refusal: the incident page links it
            problem.setProperty("see", "/incidents/" + incident.key() + "#panel-workarounds");
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null, "workarounds.problem.open",
                    new Object[] {incident.key().toString(), open.size(), String.join("; ", open)});
        }
    }

    private Workaround workaround(ResultSet rs, int row) throws SQLException {
        Instant revertBy = rs.getTimestamp("revert_by").toInstant();
        String stage = rs.getString("step_stage");
        String status = rs.getString("status");
        return new Workaround(rs.getLong("id"), new IncidentKey(rs.getLong("number")).toString(),
                WorkaroundKind.fromLabel(rs.getString("kind")).orElse(WorkaroundKind.OTHER), rs.getString("what"),
                rs.getString("location"), rs.getString("owner"), revertBy, stage == null ? null : stage + "/" + rs.getString("step_key"),
                status, rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"), instant(rs, "closed_at"),
                rs.getString("closed_by"), rs.getString("note"), "open".equals(status) && !revertBy.isAfter(clock.instant()));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
