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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentAction;
import dev.goldenfive.incident.Drill;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

/**
 * Monitors as detection rules, evaluated once a monitor's results are stored. An agent is
 * failing when its newest {@code failAfter} results of the monitor's probe all failed; when at least
 * {@code minAgents} are, the monitor opens an incident on its runbook, started (t0) at the first failed result
 * of the earliest streak, with the monitor's results since then attached as its evidence. When every agent's
 * newest result passes again, recovery is recorded and, if the monitor says so, the incident resolved. The
 * monitor's row is locked while it is evaluated, so each opens one incident at a time across replicas. Its results
 * belong to its own incident only, attached as they come. Resolving that incident by hand while the monitor still
 * fails ends it: no second incident opens before the monitor has passed again.
 */
@Component
class MonitorDetection {

    private static final Logger log = LoggerFactory.getLogger(MonitorDetection.class);
    /** An incident's title, at most (the monitor's name and target may be longer together). */
    private static final int MAX_TITLE = 200;

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
    private final TransactionTemplate transactions;

    MonitorDetection(Monitors monitors, Incidents incidents, IncidentCommands commands, Evidence evidence, JdbcClient jdbc, Clock clock,
            PlatformTransactionManager transactionManager) {
        // called after the ingest's transaction committed, while its resources are still bound: a new one each
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.monitors = monitors;
        this.incidents = incidents;
        this.commands = commands;
        this.evidence = evidence;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * One agent's recent results of a monitor: whether its newest {@code failAfter} all failed, and its newest
     * passed. Agents are told apart by their token and host, so pods that share a token still count one each.
     */
    private record Agent(String name, boolean failing, boolean newestPassed) {
    }

    /** The incident a monitor opened, and whether the monitor has passed again since. */
    private record Opened(long incident, boolean recovered) {
    }

    /**
     * Evaluates the monitors that just got results ({@code monitorIds}), each in a transaction of its own, after
     * the results were stored: what detection does (or fails to do) never costs an agent its results.
     */
    void observe(Set<Long> monitorIds) {
        for (long id : new TreeSet<>(monitorIds)) {
            try {
                transactions.executeWithoutResult(status -> monitors.lock(id).ifPresent(this::evaluate));
            }
            catch (RuntimeException failed) {
                log.warn("Could not evaluate monitor {}; its next result tries again", id, failed);
            }
        }
    }

    private void evaluate(Monitors.Kept kept) {
        Monitors.Monitor monitor = kept.monitor();
        List<Agent> agents = agents(kept);
        List<Agent> failing = agents.stream().filter(Agent::failing).toList();
        boolean healthy = failing.isEmpty() && !agents.isEmpty() && agents.stream().allMatch(Agent::newestPassed);
        Actor by = new Actor(Actor.Kind.SYSTEM, "monitor:" + monitor.name());
        Optional<Opened> state = jdbc.sql("select incident_id, recovered_at is not null from monitor_incident where monitor_id = :id")
                .param("id", kept.id())
                .query((rs, n) -> new Opened(rs.getLong(1), rs.getBoolean(2))).optional();
        Optional<IncidentRef> open = state.flatMap(s -> incidents.ref(s.incident())).filter(i -> i.status() == IncidentStatus.OPEN);
        if (open.isEmpty()) {
            if (state.isPresent() && healthy) {
                // the outage its incident was about is over: the next failure is a new one
                forget(kept);
            }
            else if (state.isEmpty() && monitor.runbook() != null && failing.size() >= monitor.minAgents() && !rehearsed(monitor)) {
                openIncident(kept, failing, by);
            }
            // else someone resolved the incident while the monitor still fails: the same outage, no second incident
            return;
        }
        attach(kept, open.get(), open.get().startedAt(), by);
        boolean recovered = state.orElseThrow().recovered();
        if (!recovered && healthy) {
            commands.record(open.get(), new Fact.MonitorChanged(monitor.name(), false, agents.stream().map(Agent::name).toList()),
                    "Monitor " + monitor.name() + " passes again", by);
            if (monitor.resolveOnRecovery()) {
                commands.act(open.get().key(), IncidentAction.RESOLVE, new IncidentCommands.ActionInput(null,
                        "Monitor " + monitor.name() + " passes again on every agent", null, null), by);
                forget(kept);
            }
            else {
                jdbc.sql("update monitor_incident set recovered_at = :now where monitor_id = :id")
                        .param("now", Timestamp.from(clock.instant())).param("id", kept.id()).update();
            }
        }
        else if (recovered && failing.size() >= monitor.minAgents()) {
            commands.record(open.get(), new Fact.MonitorChanged(monitor.name(), true, failing.stream().map(Agent::name).toList()),
                    "Monitor " + monitor.name() + " fails again", by);
            jdbc.sql("update monitor_incident set recovered_at = null where monitor_id = :id").param("id", kept.id()).update();
        }
    }

    /** The monitor has no incident of its own any more. */
    private void forget(Monitors.Kept kept) {
        jdbc.sql("delete from monitor_incident where monitor_id = :id").param("id", kept.id()).update();
    }

    /** Each agent's newest results of the monitor's probe, in the last few intervals (an agent gone quiet counts for nothing). */
    private List<Agent> agents(Monitors.Kept kept) {
        Monitors.Monitor monitor = kept.monitor();
        Instant since = clock.instant().minus(Duration.ofSeconds((long) monitor.intervalSeconds() * (monitor.failAfter() + 2) * 2));
        return jdbc.sql("""
                select agent, count(*) as seen, bool_and(failed) as failing, bool_or(passed and n = 1) as newest_passed
                from (select %s as agent, %s as passed, %s as failed,
                             row_number() over (partition by %s order by p.started_at desc, p.id desc) as n
                      from probe_result p
                      where monitor_id = :id and type = :type and path = :path and started_at > :since) r
                where n <= :k
                group by agent
                order by agent
                """.formatted(agent("p"), passed("p"), failed("p"), agent("p")))
                .param("id", kept.id())
                .param("type", monitor.probe().resultType().label())
                .param("path", monitor.probe().path())
                .param("since", Timestamp.from(since))
                .param("k", monitor.failAfter())
                // failing: as many results as the monitor counts, all failed
                .query((rs, n) -> new Agent(rs.getString("agent"), rs.getInt("seen") >= monitor.failAfter() && rs.getBoolean("failing"),
                        rs.getBoolean("newest_passed")))
                .list();
    }

    /** SQL: the agent that took result {@code r}: its sender and host. */
    private static String agent(String r) {
        return r + ".source || ' ' || coalesce(" + r + ".body -> 'labels' ->> 'host', '')";
    }

    /**
     * Whether a drill of the monitor's service is injecting a fault now: what fails is the rehearsal, and no real
     * incident is opened (nor anyone paged) for it. A failure that outlasts the drill opens one after it.
     */
    private boolean rehearsed(Monitors.Monitor monitor) {
        return incidents.open().stream().anyMatch(i -> i.isDrill() && i.drill().fault() != Drill.Fault.NONE
                && i.service().equalsIgnoreCase(monitor.service())
                && (monitor.environment() == null || monitor.environment().equalsIgnoreCase(i.environment())));
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
        String title = "Monitor " + monitor.name() + ": " + monitor.probe().label() + " " + monitor.target() + " fails";
        var declared = commands.declare(new IncidentCommands.Declaration(title.length() <= MAX_TITLE ? title : title.substring(0, MAX_TITLE - 1) + "…",
                monitor.service(), monitor.environment(), monitor.severity(), monitor.runbook(), null, t0, null, context, null), by);
        IncidentRef incident = incidents.ref(declared.key()).orElseThrow();
        commands.record(incident, new Fact.MonitorChanged(monitor.name(), true, failing.stream().map(Agent::name).toList()),
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
                where r.monitor_id = :id and r.type = :type and r.path = :path and %s and %s = any(:agents)
                  and r.started_at > coalesce((select max(p.started_at) from probe_result p
                                               where p.monitor_id = :id and p.type = :type and p.path = :path and %s
                                                 and %s = %s),
                                              '-infinity')
                """.formatted(failed("r"), agent("r"), passed("p"), agent("p"), agent("r")))
                .param("id", kept.id())
                .param("type", kept.monitor().probe().resultType().label())
                .param("path", kept.monitor().probe().path())
                .param("agents", SqlArrays.of("text", failing.stream().map(Agent::name).toArray()))
                .query(Timestamp.class).optional().map(Timestamp::toInstant).orElseGet(clock::instant);
    }

    /** The monitor's results since {@code t0} that no incident has, as its incident's evidence. */
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
