package dev.goldenfive.probe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentAction;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

/**
 * Monitors as detection rules, evaluated in the transaction that stored a monitor's results. An agent is
 * failing when its newest {@code failAfter} results of the monitor's probe all failed; when at least
 * {@code minAgents} are, the monitor opens an incident on its runbook, started (t0) at the first failed result
 * of the earliest streak, with the monitor's results since then attached as its evidence. When every agent's
 * newest result passes again, recovery is recorded and, if the monitor says so, the incident resolved. The
 * monitor's row is locked while it is evaluated, so each opens one incident at a time across replicas.
 */
@Component
class MonitorDetection {

    /** SQL: result {@code r} passed — it succeeded, and an HTTP answer was no error (a 503 is an answer, but a failed one). */
    private static String passed(String r) {
        return "(" + r + ".success and coalesce(cast(" + r + ".body -> 'http' ->> 'status' as int), 0) < 400)";
    }

    /** SQL: result {@code r} failed — it was measured, and did not pass. */
    private static String failed(String r) {
        return "(not " + passed(r) + " and " + r + ".body ->> 'notMeasured' is null)";
    }

    private final Monitors monitors;
    private final Incidents incidents;
    private final IncidentCommands commands;
    private final Evidence evidence;
    private final JdbcClient jdbc;
    private final Clock clock;

    MonitorDetection(Monitors monitors, Incidents incidents, IncidentCommands commands, Evidence evidence, JdbcClient jdbc, Clock clock) {
        this.monitors = monitors;
        this.incidents = incidents;
        this.commands = commands;
        this.evidence = evidence;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One agent's recent results of a monitor: whether its newest {@code failAfter} all failed, and its newest passed. */
    private record Agent(String source, int seen, boolean failing, boolean newestPassed) {
    }

    /** The monitors that just got results ({@code monitorIds}), each evaluated again. */
    @Transactional(propagation = Propagation.MANDATORY)
    void observe(Set<Long> monitorIds) {
        for (long id : new TreeSet<>(monitorIds)) {
            monitors.lock(id).ifPresent(this::evaluate);
        }
    }

    private void evaluate(Monitors.Kept kept) {
        Monitors.Monitor monitor = kept.monitor();
        List<Agent> agents = agents(kept);
        List<Agent> failing = agents.stream().filter(Agent::failing).toList();
        Actor by = new Actor(Actor.Kind.SYSTEM, "monitor:" + monitor.name());
        var state = jdbc.sql("select incident_id, recovered_at is not null as recovered from monitor_incident where monitor_id = :id")
                .param("id", kept.id())
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getBoolean(2))).optional();
        Optional<IncidentRef> open = state.flatMap(s -> incidents.ref(s.getKey())).filter(i -> i.status() == IncidentStatus.OPEN);
        if (open.isEmpty()) {
            if (monitor.runbook() != null && failing.size() >= monitor.minAgents()) {
                openIncident(kept, failing, by);
            }
            return;
        }
        boolean recovered = state.orElseThrow().getValue();
        if (!recovered && failing.isEmpty() && !agents.isEmpty() && agents.stream().allMatch(Agent::newestPassed)) {
            commands.record(open.get(), new Fact.MonitorChanged(monitor.name(), false, agents.stream().map(Agent::source).toList()),
                    "Monitor " + monitor.name() + " passes again", by);
            if (monitor.resolveOnRecovery()) {
                commands.act(open.get().key(), IncidentAction.RESOLVE, new IncidentCommands.ActionInput(null,
                        "Monitor " + monitor.name() + " passes again on every agent", null, null), by);
                jdbc.sql("delete from monitor_incident where monitor_id = :id").param("id", kept.id()).update();
            }
            else {
                jdbc.sql("update monitor_incident set recovered_at = :now where monitor_id = :id")
                        .param("now", Timestamp.from(clock.instant())).param("id", kept.id()).update();
            }
        }
        else if (recovered && failing.size() >= monitor.minAgents()) {
            commands.record(open.get(), new Fact.MonitorChanged(monitor.name(), true, failing.stream().map(Agent::source).toList()),
                    "Monitor " + monitor.name() + " fails again", by);
            jdbc.sql("update monitor_incident set recovered_at = null where monitor_id = :id").param("id", kept.id()).update();
        }
    }

    /** Each agent's newest results of the monitor's probe, in the last few intervals (an agent gone quiet counts for nothing). */
    private List<Agent> agents(Monitors.Kept kept) {
        Monitors.Monitor monitor = kept.monitor();
        Instant since = clock.instant().minus(Duration.ofSeconds((long) monitor.intervalSeconds() * (monitor.failAfter() + 2) * 2));
        return jdbc.sql("""
                select source, count(*) as seen, bool_and(failed) as failing, bool_or(passed and n = 1) as newest_passed
                from (select p.source, %s as passed, %s as failed,
                             row_number() over (partition by p.source order by p.started_at desc, p.id desc) as n
                      from probe_result p
                      where monitor_id = :id and type = :type and (path = 'reference') = :reference and started_at > :since) r
                where n <= :k
                group by source
                order by source
                """.formatted(passed("p"), failed("p")))
                .param("id", kept.id())
                .param("type", type(monitor.probe()).label())
                .param("reference", monitor.probe() == Monitors.Probe.REFERENCE)
                .param("since", Timestamp.from(since))
                .param("k", monitor.failAfter())
                .query((rs, n) -> new Agent(rs.getString("source"), rs.getInt("seen"),
                        rs.getInt("seen") >= monitor.failAfter() && rs.getBoolean("failing"), rs.getBoolean("newest_passed")))
                .list();
    }

    /** The result type that says whether a monitor's probe passed: the end-to-end one where a probe gives several. */
    static ProbeType type(Monitors.Probe probe) {
        return switch (probe) {
            case REFERENCE -> ProbeType.TCP;
            case DNS -> ProbeType.DNS;
            case ICMP -> ProbeType.ICMP;
            case HTTP -> ProbeType.HTTP;
            case GOPROXY -> ProbeType.GOPROXY;
            case GOSUMDB -> ProbeType.GOSUMDB;
        };
    }

    private void openIncident(Monitors.Kept kept, List<Agent> failing, Actor by) {
        Monitors.Monitor monitor = kept.monitor();
        Instant t0 = firstFailure(kept, failing);
        Map<String, String> context = new TreeMap<>();
        if (monitor.probe() == Monitors.Probe.HTTP || monitor.probe() == Monitors.Probe.GOPROXY) {
            context.put("goproxy", monitor.target());
        }
        if (monitor.module() != null) {
            context.put("module", monitor.module());
        }
        var declared = commands.declare(new IncidentCommands.Declaration("Monitor " + monitor.name() + ": " + monitor.probe().label() + " "
                + monitor.target() + " fails", monitor.service(), monitor.environment(), monitor.severity(), monitor.runbook(), null, t0,
                null, context), by);
        IncidentRef incident = incidents.ref(declared.key()).orElseThrow();
        commands.record(incident, new Fact.MonitorChanged(monitor.name(), true, failing.stream().map(Agent::source).toList()),
                "Monitor " + monitor.name() + " failed " + monitor.failAfter() + " times in a row on " + failing.size() + " agent(s)", by);
        jdbc.sql("""
                insert into monitor_incident (monitor_id, incident_id) values (:monitor, :incident)
                on conflict (monitor_id) do update set incident_id = excluded.incident_id, recovered_at = null
                """)
                .param("monitor", kept.id()).param("incident", incident.id()).update();
        attach(kept, incident, t0, by);
    }

    /** The first failed result of the earliest unbroken streak of failures among the failing agents. */
    private Instant firstFailure(Monitors.Kept kept, List<Agent> failing) {
        return jdbc.sql("""
                select min(r.started_at) from probe_result r
                where r.monitor_id = :id and r.type = :type and %s and r.source = any(:sources)
                  and r.started_at > coalesce((select max(p.started_at) from probe_result p
                                               where p.monitor_id = :id and p.type = :type and %s and p.source = r.source),
                                              '-infinity')
                """.formatted(failed("r"), passed("p")))
                .param("id", kept.id())
                .param("type", type(kept.monitor().probe()).label())
                .param("sources", SqlArrays.of("text", failing.stream().map(Agent::source).toArray()))
                .query(Timestamp.class).optional().map(Timestamp::toInstant).orElseGet(clock::instant);
    }

    /** The monitor's results since {@code t0} that no incident has, as the new incident's evidence. */
    private void attach(Monitors.Kept kept, IncidentRef incident, Instant t0, Actor by) {
        Map<String, List<Evidence.Added>> bySource = new TreeMap<>();
        jdbc.sql("""
                update probe_result set incident_id = :incident
                where monitor_id = :id and incident_id is null and started_at >= :t0
                returning id, source, type, target, path, started_at, body ->> 'traceId' as trace
                """)
                .param("incident", incident.id()).param("id", kept.id()).param("t0", Timestamp.from(t0))
                .query((rs, n) -> bySource.computeIfAbsent(rs.getString("source"), s -> new ArrayList<>()).add(new Evidence.Added(
                        rs.getLong("id"), rs.getString("type"), rs.getString("target"), rs.getString("path"),
                        rs.getTimestamp("started_at").toInstant(), rs.getString("trace") != null)))
                .list();
        bySource.forEach((source, rows) -> {
            rows.sort(Comparator.comparing(Evidence.Added::rowId));
            evidence.add(incident, rows, source, by);
        });
    }
}
