package dev.goldenfive.alert;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.IncidentAction;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentContext;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

/**
 * Alerts into incidents. An alert group (Alertmanager's group key, an event's dedup key) that fires opens an
 * incident, routed by its labels, with the alert's start as t0; while that incident is open, the group's
 * further alerts attach to it (each new alert once in the timeline). Once the incident is resolved or
 * closed, the group firing again opens a new incident. Alerts of one group are handled one at a time, on
 * every replica.
 */
@Service
public class AlertIntake {

    /** Incidents start at most this far back: a day inside what the incident rules allow, for clocks that disagree. */
    static final Duration OLDEST_START = IncidentCommands.OLDEST_START.minusDays(1);
    private static final int LOCK_NAMESPACE = 0x67663561;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final IncidentCommands commands;
    private final Incidents incidents;
    private final AlertRoutes routes;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    AlertIntake(IncidentCommands commands, Incidents incidents, AlertRoutes routes, JdbcClient jdbc, JsonMapper json,
            Clock clock) {
        this.commands = commands;
        this.incidents = incidents;
        this.routes = routes;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Alerts of one group as a source sent them: {@code fingerprints} name the alerts (a repeat adds nothing),
     * {@code labels} route them, {@code startedAt} is t0 when they open an incident.
     */
    record Firing(String source, String key, String title, Map<String, String> labels, Instant startedAt,
            List<String> fingerprints, String summary, SenderSaid said) {
    }

    /** What the sender said of a firing beyond its labels, kept in the timeline (see {@link Fact.AlertFiring}). */
    record SenderSaid(String receiver, Map<String, String> groupLabels, String externalURL, List<String> generatorURLs,
            String severity, String eventSource, String clientUrl) {
    }

    /** What became of an alert: the incident and what was done to it (opened, attached, resolved, acknowledged, ignored). */
    public record Outcome(IncidentKey incident, String action) {
    }

    @Transactional
    public Outcome fire(Firing firing, Actor by) {
        lock(firing.source(), firing.key());
        Optional<Group> current = current(firing.source(), firing.key());
        Optional<IncidentRef> open = incidentOf(current).filter(AlertIntake::isOpen);
        if (open.isPresent()) {
            Group group = current.get();
            Set<String> known = new LinkedHashSet<>(group.fingerprints());
            List<String> fresh = firing.fingerprints().stream().filter(f -> !known.contains(f)).toList();
            if (!fresh.isEmpty()) {
                known.addAll(fresh);
                jdbc.sql("update alert_group set fingerprints = cast(:f as jsonb) where id = :id")
                        .param("f", json.writeValueAsString(List.copyOf(known))).param("id", group.id()).update();
                commands.record(open.get(), firing(firing, fresh, null), firing.summary(), by);
            }
            return new Outcome(open.get().key(), "attached");
        }
        AlertRoute.Routing routing = routes.route(firing.labels());
        Instant now = clock.instant();
        Instant t0 = firing.startedAt() == null || firing.startedAt().isAfter(now) ? now
                : firing.startedAt().isBefore(now.minus(OLDEST_START)) ? now.minus(OLDEST_START) : firing.startedAt();
        IncidentKey key = commands.declare(new IncidentCommands.Declaration(AlertRoute.clip(firing.title(), 200),
                routing.service(), routing.environment(), routing.severity(), routing.runbook(), null, t0, null,
                routing.escalation() == null ? Map.of() : Map.of(IncidentContext.ESCALATION, routing.escalation()), null), by).key();
        IncidentRef incident = incidents.ref(key).orElseThrow();
        jdbc.sql("""
                insert into alert_group (source, dedup_key, incident_id, resolve, fingerprints, opened_at)
                values (:source, :key, :incident, :resolve, cast(:f as jsonb), :now)
                """)
                .param("source", firing.source()).param("key", firing.key()).param("incident", incident.id())
                .param("resolve", routing.resolve()).param("f", json.writeValueAsString(firing.fingerprints()))
                .param("now", Timestamp.from(now))
                .update();
        commands.record(incident, firing(firing, firing.fingerprints(), routing.rule() == null ? "(defaults)" : routing.rule()),
                firing.summary(), by);
        return new Outcome(key, "opened");
    }

    /**
     * The group's alerts resolved: a timeline entry on its open incident, which is resolved as well when
     * {@code always} or when the routing rule that opened it says so.
     */
    @Transactional
    public Outcome resolved(String source, String key, String summary, Fact.AlertResolved fact, boolean always, Actor by) {
        lock(source, key);
        Optional<Group> current = current(source, key);
        Optional<IncidentRef> incident = incidentOf(current);
        Optional<IncidentRef> open = incident.filter(AlertIntake::isOpen);
        if (open.isEmpty()) {
            return new Outcome(incident.map(IncidentRef::key).orElse(null), "ignored");
        }
        commands.record(open.get(), fact, summary, by);
        if (always || current.get().resolve()) {
            commands.act(open.get().key(), IncidentAction.RESOLVE,
                    new IncidentCommands.ActionInput(null, AlertRoute.clip(summary, 4000), null, null), by);
            return new Outcome(open.get().key(), "resolved");
        }
        return new Outcome(open.get().key(), "attached");
    }

    /** Someone acknowledged the alert where it came from: the open incident is acknowledged, once. */
    @Transactional
    public Outcome acknowledged(String source, String key, Actor by) {
        lock(source, key);
        Optional<IncidentRef> open = incidentOf(current(source, key)).filter(AlertIntake::isOpen);
        if (open.isEmpty()) {
            return new Outcome(null, "ignored");
        }
        if (open.get().acknowledgedAt() != null) {
            return new Outcome(open.get().key(), "attached");
        }
        commands.act(open.get().key(), IncidentAction.ACKNOWLEDGE, IncidentCommands.ActionInput.NONE, by);
        return new Outcome(open.get().key(), "acknowledged");
    }

    private record Group(long id, long incidentId, boolean resolve, List<String> fingerprints) {
    }

    private Optional<Group> current(String source, String key) {
        return jdbc.sql("""
                select g.id, g.incident_id, g.resolve, g.fingerprints from alert_group g
                where g.source = :source and g.dedup_key = :key order by g.id desc limit 1
                """)
                .param("source", source).param("key", key)
                .query((rs, row) -> new Group(rs.getLong(1), rs.getLong(2), rs.getBoolean(3),
                        json.readValue(rs.getString(4), STRINGS)))
                .optional();
    }

    private Optional<IncidentRef> incidentOf(Optional<Group> group) {
        return group.flatMap(g -> incidents.ref(g.incidentId()));
    }

    private static boolean isOpen(IncidentRef incident) {
        return incident.status() == IncidentStatus.OPEN;
    }

    private void lock(String source, String key) {
        jdbc.sql("select pg_advisory_xact_lock(:namespace, hashtext(:key))")
                .param("namespace", LOCK_NAMESPACE).param("key", source + "\n" + key).query().singleRow();
    }

    private static Fact.AlertFiring firing(Firing firing, List<String> fingerprints, String rule) {
        SenderSaid said = firing.said();
        return new Fact.AlertFiring(firing.source(), firing.key(), firing.title(), List.copyOf(fingerprints), rule, said.receiver(),
                said.groupLabels(), said.externalURL(), said.generatorURLs(), said.severity(), said.eventSource(),
                said.clientUrl());
    }
}
