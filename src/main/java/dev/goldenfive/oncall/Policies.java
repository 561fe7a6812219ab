package dev.goldenfive.oncall;

import java.sql.Timestamp;
import java.time.Clock;
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

/** Escalation policies, kept as documents; the one that names a service pages for its incidents. */
@Service
@Transactional
public class Policies {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Schedules schedules;
    private final UserAccounts accounts;
    private final Clock clock;

    Policies(JdbcClient jdbc, JsonMapper json, Schedules schedules, UserAccounts accounts, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.schedules = schedules;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<EscalationPolicy> list() {
        return jdbc.sql("select document from escalation_policy order by key").query((rs, n) -> read(rs.getString(1))).list();
    }

    @Transactional(readOnly = true)
    public Optional<EscalationPolicy> find(String key) {
        return jdbc.sql("select document from escalation_policy where key = :key").param("key", key)
                .query((rs, n) -> read(rs.getString(1))).optional();
    }

    public EscalationPolicy require(String key) {
        return find(key).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND,
                ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No escalation policy '" + key + "'."), null));
    }

    /** The policy that names {@code service} (any case); the first by key when several do. */
    @Transactional(readOnly = true)
    public Optional<EscalationPolicy> forService(String service) {
        return jdbc.sql("""
                select document from escalation_policy
                where exists (select from jsonb_array_elements_text(document -> 'services') s where lower(s) = lower(:service))
                order by key limit 1
                """)
                .param("service", service).query((rs, n) -> read(rs.getString(1))).optional();
    }

    /** Stores the policy; refused, each wrong field named, when a target names nothing or a service has a policy already. */
    public EscalationPolicy save(EscalationPolicy policy, String admin) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < policy.levels().size(); i++) {
            List<EscalationPolicy.Target> targets = policy.levels().get(i).targets();
            for (int j = 0; j < targets.size(); j++) {
                String at = "levels[" + i + "].targets[" + j + "]";
                EscalationPolicy.Target t = targets.get(j);
                int named = (t.user() == null ? 0 : 1) + (t.schedule() == null ? 0 : 1) + (t.team() == null ? 0 : 1);
                if (named != 1) {
                    problems.add(new FieldProblem(at, "must name one of schedule, user or team"));
                }
                else if (t.user() != null && accounts.findByUsername(t.user()).isEmpty()) {
                    problems.add(new FieldProblem(at + ".user", "'" + t.user() + "' is not a user"));
                }
                else if (t.schedule() != null && schedules.find(t.schedule()).isEmpty()) {
                    problems.add(new FieldProblem(at + ".schedule", "'" + t.schedule() + "' is not a schedule"));
                }
            }
        }
        for (int i = 0; i < policy.services().size(); i++) {
            String service = policy.services().get(i);
            int index = i;
            forService(service).filter(other -> !other.key().equals(policy.key())).ifPresent(other -> problems.add(
                    new FieldProblem("services[" + index + "]", "'" + service + "' is paged by the policy '" + other.key() + "' already")));
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        jdbc.sql("""
                insert into escalation_policy (key, document, updated_at, updated_by) values (:key, cast(:document as jsonb), :now, :by)
                on conflict (key) do update set document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """)
                .param("key", policy.key()).param("document", json.writeValueAsString(policy))
                .param("now", Timestamp.from(clock.instant())).param("by", admin).update();
        return policy;
    }

    public void delete(String key) {
        require(key);
        jdbc.sql("delete from escalation_policy where key = :key").param("key", key).update();
    }

    private EscalationPolicy read(String document) {
        return json.readValue(document, EscalationPolicy.class);
    }
}
