package dev.goldenfive.oncall;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentContext;
import dev.goldenfive.incident.IncidentEvent;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.security.UserAccounts;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.Background;
import dev.goldenfive.web.Worker;

/**
 * Pages the people a service's escalation policy names, and escalates on the incident's own clock. Declaring an
 * incident pages level 1 in the same transaction; a worker on every replica takes due escalations under their
 * row lock ({@code SKIP LOCKED}), so each page and escalation is recorded once across replicas and restarts. An
 * acknowledgement, or the incident's resolution, ends its paging.
 */
@Component
class Paging extends Background {

    private static final Logger log = LoggerFactory.getLogger(Paging.class);
    /** When a level moves on at the stage's end and the incident has no window left (follow-up). */
    static final Duration FALLBACK = Duration.ofMinutes(5);
    static final Actor PAGER = new Actor(Actor.Kind.SYSTEM, "pager");
    /** The policy a drill's page names: its participants, paged once. */
    static final String DRILL = "drill";

    private final Policies policies;
    private final Schedules schedules;
    private final UserAccounts accounts;
    private final Notifications notifications;
    private final Runbooks runbooks;
    private final Incidents incidents;
    private final IncidentCommands commands;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Worker worker;

    Paging(Policies policies, Schedules schedules, UserAccounts accounts, Notifications notifications, Runbooks runbooks,
            Incidents incidents, IncidentCommands commands, JdbcClient jdbc, TransactionTemplate transactions,
            OnCallSettings settings, Clock clock) {
        this.policies = policies;
        this.schedules = schedules;
        this.accounts = accounts;
        this.notifications = notifications;
        this.runbooks = runbooks;
        this.incidents = incidents;
        this.commands = commands;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.worker = Worker.every(settings.poll(), "paging", "escalating unacknowledged incidents", log, this::escalateDue);
    }

    /** In the transaction of the change: a new incident is paged, an acknowledged or resolved one no longer. */
    @EventListener
    void on(IncidentEvent event) {
        switch (event) {
            case IncidentEvent.IncidentDeclared declared -> incidents.ref(declared.incidentKey()).ifPresent(this::start);
            case IncidentEvent.IncidentAcknowledged acknowledged -> {
                stop(acknowledged.incidentKey());
                notifications.cancel(acknowledged.incidentKey(), "acknowledged before it was sent");
            }
            case IncidentEvent.IncidentResolved resolved -> {
                stop(resolved.incidentKey());
                notifications.cancel(resolved.incidentKey(), "resolved before it was sent");
            }
            default -> {
            }
        }
    }

    private void start(IncidentRef incident) {
        if (incident.isDrill()) {
            pageParticipants(incident);
            return;
        }
        String named = incident.context().get(IncidentContext.ESCALATION);
        Optional<EscalationPolicy> policy = named != null ? policies.find(named) : policies.forService(incident.service());
        if (policy.isEmpty()) {
            return;
        }
        int inserted = jdbc.sql("insert into incident_paging (incident_id, policy, level, round) values (:id, :policy, 0, 0) on conflict do nothing")
                .param("id", incident.id()).param("policy", policy.get().key()).update();
        if (inserted == 1) {
            page(incident, policy.get(), 0, 0);
        }
    }

    /** A drill pages its participants once, and nobody else: no policy, no escalation. */
    private void pageParticipants(IncidentRef incident) {
        List<String> people = incident.drill().participants();
        if (people.isEmpty()) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<String> unreachable = notifications.page(incident, 1, 0, people, now);
        commands.record(incident, new Fact.Paged(DRILL, 1, 0, people, false), "Paged the drill's participants: " + String.join(", ", people), PAGER);
        for (String person : unreachable) {
            unreached(commands, incident, new Fact.Unreached(person, 1, 0, "no notification channel", false));
        }
    }

    private void stop(IncidentKey key) {
        jdbc.sql("update incident_paging set done_at = :now, next_at = null where done_at is null"
                        + " and incident_id = (select id from incident where number = :number)")
                .param("now", Timestamp.from(clock.instant())).param("number", key.number()).update();
    }

    private record Due(long incident, String policy, int level, int round) {
    }

    /** Every due escalation, each in a transaction of its own under its row lock. */
    private void escalateDue() {
        boolean more = true;
        while (more && worker.running()) {
            more = Boolean.TRUE.equals(transactions.execute(status -> {
                Optional<Due> due = jdbc.sql("""
                        select incident_id, policy, level, round from incident_paging
                        where done_at is null and next_at <= :now order by next_at limit 1 for update skip locked
                        """)
                        .param("now", Timestamp.from(clock.instant()))
                        .query((rs, n) -> new Due(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4))).optional();
                if (due.isEmpty()) {
                    return false;
                }
                IncidentRef incident = incidents.ref(due.get().incident()).orElseThrow();
                Optional<EscalationPolicy> policy = policies.find(due.get().policy());
                if (incident.status() != IncidentStatus.OPEN || incident.acknowledgedAt() != null || policy.isEmpty()) {
                    finish(incident.id());
                    return true;
                }
                page(incident, policy.get(), due.get().level(), due.get().round());
                return true;
            }));
        }
    }

    /** Pages the level after {@code level} (starting again for another round, or done after the last). */
    private void page(IncidentRef incident, EscalationPolicy policy, int level, int round) {
        int next = level + 1;
        int nextRound = round;
        if (next > policy.levels().size()) {
            if (round >= policy.repeat()) {
                finish(incident.id());
                commands.record(incident, new Fact.Paged(policy.key(), level, round, List.of(), true),
                        "Paging ended: nobody acknowledged after every level of " + policy.name(), PAGER);
                return;
            }
            next = 1;
            nextRound = round + 1;
        }
        EscalationPolicy.Level at = policy.levels().get(next - 1);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Asked asked = asked(at, now);
        List<String> unreachable = notifications.page(incident, next, nextRound, asked.people(), now);
        // nobody on call, or nobody with a way to be told: the next level is due now, not at the window's end
        boolean nobody = unreachable.size() == asked.people().size();
        Instant due = nobody ? now : due(at, incident, now);
        jdbc.sql("update incident_paging set level = :level, round = :round, next_at = :due where incident_id = :id")
                .param("level", next).param("round", nextRound).param("due", Timestamp.from(due)).param("id", incident.id()).update();
        jdbc.sql("""
                insert into incident_page (incident_id, round, level, paged_at, people, teams)
                values (:id, :round, :level, :now, :people, :teams) on conflict do nothing
                """)
                .param("id", incident.id()).param("round", nextRound).param("level", next).param("now", Timestamp.from(now))
                .param("people", SqlArrays.of("text", asked.people().toArray())).param("teams", SqlArrays.of("text", asked.teams().toArray()))
                .update();
        String who = asked.people().isEmpty() ? "nobody on call" : String.join(", ", asked.people());
        commands.record(incident, new Fact.Paged(policy.key(), next, nextRound, asked.people(), false),
                (next == 1 && nextRound == 0 ? "Paged " : "Escalated to level " + next + ": paged ") + who + " (" + policy.name() + ")", PAGER);
        for (String person : unreachable) {
            unreached(commands, incident, new Fact.Unreached(person, next, nextRound, "no notification channel",
                    nobody && person.equals(unreachable.getLast())));
        }
    }

    /** Records that {@code unreached.person()} was not reached (and, when it says so, that the level escalates now). */
    static void unreached(IncidentCommands commands, IncidentRef incident, Fact.Unreached unreached) {
        commands.record(incident, unreached, "Could not reach " + unreached.person() + " at level " + unreached.level() + ": "
                + unreached.why() + (unreached.escalating() ? "; nobody on the level could be reached, so it escalates now" : ""), PAGER);
    }

    /** Paging of the incident is over: nothing more is due. */
    private void finish(long incidentId) {
        jdbc.sql("update incident_paging set done_at = :now, next_at = null where incident_id = :id")
                .param("now", Timestamp.from(clock.instant())).param("id", incidentId).update();
    }

    /** Whom a level asks now: the people its targets name (a target that names nobody names nobody), and their schedules' teams. */
    private record Asked(List<String> people, List<String> teams) {
    }

    private Asked asked(EscalationPolicy.Level level, Instant now) {
        Set<String> people = new LinkedHashSet<>();
        Set<String> teams = new LinkedHashSet<>();
        for (EscalationPolicy.Target target : level.targets()) {
            if (target.user() != null) {
                people.add(target.user());
            }
            if (target.schedule() != null) {
                schedules.find(target.schedule()).ifPresent(s -> {
                    teams.add(s.team());
                    OnCall.at(s, now).ifPresent(shift -> people.add(shift.user()));
                });
            }
            if (target.team() != null) {
                teams.add(target.team());
                var onCall = schedules.team(target.team(), now);
                if (onCall.isEmpty()) {
                    // a team without a rota (one made from the identity provider's groups, say): all its members
                    accounts.inTeam(target.team()).forEach(member -> people.add(member.username()));
                }
                onCall.stream().filter(o -> o.user() != null).forEach(o -> people.add(o.user()));
            }
        }
        return new Asked(new ArrayList<>(people), new ArrayList<>(teams));
    }

    /** When the level moves on: the end of the incident's current stage window, or after the level's delay. */
    private Instant due(EscalationPolicy.Level level, IncidentRef incident, Instant now) {
        if (!"stage".equals(level.after())) {
            return now.plus(Duration.parse(level.after()));
        }
        // the current window's end, from the (cached) runbook: no need to read the incident's whole view
        Instant deadline = runbooks.require(incident.runbookVersionId()).findStage(incident.stage())
                .map(stage -> incident.startedAt().plusSeconds(stage.endSeconds())).orElse(null);
        return deadline != null && deadline.isAfter(now) ? deadline : now.plus(FALLBACK);
    }

    @Override
    protected Worker worker() {
        return worker;
    }
}
