package dev.goldenfive.oncall;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * On-call schedules, kept as documents; who each names at an instant, for one schedule or a whole team.
 * Administrators write them; responders read them.
 */
@Service
@Transactional
public class Schedules {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final UserAccounts accounts;
    private final Clock clock;

    Schedules(JdbcClient jdbc, JsonMapper json, UserAccounts accounts, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Who a schedule names at an instant; {@code user} null when nobody is on call. */
    public record OnCallAt(String schedule, String team, Instant at, String user, String by, Instant from, Instant to) {
    }

    @Transactional(readOnly = true)
    public List<Schedule> list() {
        return jdbc.sql("select document from oncall_schedule order by key").query((rs, n) -> read(rs.getString(1))).list();
    }

    @Transactional(readOnly = true)
    public Optional<Schedule> find(String key) {
        return jdbc.sql("select document from oncall_schedule where key = :key").param("key", key)
                .query((rs, n) -> read(rs.getString(1))).optional();
    }

    public Schedule require(String key) {
        return find(key).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND,
                ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No schedule '" + key + "'."), null));
    }

    /** Stores the schedule (new, or replacing the one with its key); refused, each wrong field named, when it is not sound. */
    public Schedule save(Schedule schedule, String admin) {
        check(schedule);
        jdbc.sql("""
                insert into oncall_schedule (key, team, document, updated_at, updated_by)
                values (:key, :team, cast(:document as jsonb), :now, :by)
                on conflict (key) do update set team = excluded.team, document = excluded.document,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """)
                .param("key", schedule.key()).param("team", schedule.team()).param("document", json.writeValueAsString(schedule))
                .param("now", Timestamp.from(clock.instant())).param("by", admin)
                .update();
        return schedule;
    }

    public void delete(String key) {
        require(key);
        jdbc.sql("delete from oncall_schedule where key = :key").param("key", key).update();
    }

    /** Who the schedule names at {@code at}, or now when it is null. */
    @Transactional(readOnly = true)
    public OnCallAt onCall(String key, Instant at) {
        return onCall(require(key), at == null ? clock.instant() : at);
    }

    /** Who every schedule of {@code team} names at {@code at} (now when it is null), schedule by schedule. */
    @Transactional(readOnly = true)
    public List<OnCallAt> team(String team, Instant at) {
        Instant when = at == null ? clock.instant() : at;
        return jdbc.sql("select document from oncall_schedule where lower(team) = lower(:team) order by key").param("team", team)
                .query((rs, n) -> read(rs.getString(1))).list().stream().map(s -> onCall(s, when)).toList();
    }

    /** Who {@code schedule} names at {@code at}. */
    static OnCallAt onCall(Schedule schedule, Instant at) {
        return OnCall.at(schedule, at)
                .map(s -> new OnCallAt(schedule.key(), schedule.team(), at, s.user(), s.by(), s.from(), s.to()))
                .orElseGet(() -> new OnCallAt(schedule.key(), schedule.team(), at, null, null, null, null));
    }

    /** What the annotations cannot say: a zone the machine knows, people who exist, spans that end after they begin. */
    private void check(Schedule schedule) {
        List<FieldProblem> problems = new ArrayList<>();
        if (!Schedule.knownZone(schedule.timeZone())) {
            problems.add(new FieldProblem("timeZone", "'" + schedule.timeZone() + "' is not a time zone (use a name such as Europe/Berlin)"));
        }
        for (int i = 0; i < schedule.layers().size(); i++) {
            Schedule.Layer layer = schedule.layers().get(i);
            for (int j = 0; j < layer.members().size(); j++) {
                unknownUser(layer.members().get(j), "layers[" + i + "].members[" + j + "]", problems);
            }
            for (int j = 0; j < layer.restrictions().size(); j++) {
                if (layer.restrictions().get(j).from().equals(layer.restrictions().get(j).to())) {
                    problems.add(new FieldProblem("layers[" + i + "].restrictions[" + j + "].to", "must differ from from"));
                }
            }
        }
        for (int i = 0; i < schedule.overrides().size(); i++) {
            Schedule.Override override = schedule.overrides().get(i);
            unknownUser(override.user(), "overrides[" + i + "].user", problems);
            if (!override.to().isAfter(override.from())) {
                problems.add(new FieldProblem("overrides[" + i + "].to", "must be after from"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
    }

    private void unknownUser(String username, String field, List<FieldProblem> problems) {
        if (accounts.findByUsername(username).isEmpty()) {
            problems.add(new FieldProblem(field, "'" + username + "' is not a user"));
        }
    }

    private Schedule read(String document) {
        return json.readValue(document, Schedule.class);
    }
}
