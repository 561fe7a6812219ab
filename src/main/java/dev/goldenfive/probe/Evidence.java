package dev.goldenfive.probe;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentPanel;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.runbook.ProbeType;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;

/**
 * An incident's evidence: its probe results, the state of its runbook's checks and the diagnosis. When new
 * results arrive the checks are evaluated again; a check that changes state and a diagnosis that changes are
 * recorded in the incident's timeline, in the transaction that stored the results.
 */
@Service
public class Evidence {

    /** Results an evidence view lists (newest first); the checks and grid always use all of them. */
    static final int LISTED_RESULTS = 200;
    /** Advisory lock namespace: evaluations of one incident take turns, so none misses another's results. */
    private static final int LOCK_NAMESPACE = 0x67663570;
    private static final TypeReference<Map<String, String>> STATES = new TypeReference<>() {
    };
    static final String COLUMNS = "body, submitter, received_at";

    private final Runbooks runbooks;
    private final IncidentCommands commands;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    Evidence(Runbooks runbooks, IncidentCommands commands, JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.runbooks = runbooks;
        this.commands = commands;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Everything the evidence of an incident shows. */
    public record View(String incident, List<CheckState> checks, Diagnosis diagnosis, List<Diagnosis.Alternative> alternatives,
            List<GridRow> grid, List<StoredResult> results, long total) {
    }

    /** One probe (type and target) side by side: per path, the newest result of each sender. */
    public record GridRow(ProbeType type, String target, Map<ProbeResult.Path, List<StoredResult>> paths) {
    }

    @Transactional(readOnly = true)
    public View of(IncidentRef incident) {
        return of(incident, true);
    }

    /** {@code listResults}: with the newest {@value #LISTED_RESULTS} results (the API's answer; the page shows none). */
    @Transactional(readOnly = true)
    View of(IncidentRef incident, boolean listResults) {
        Runbook runbook = runbooks.require(incident.runbookVersionId());
        Newest newest = newest(incident.id());
        List<CheckState> checks = CheckEvaluation.checks(runbook, newest.results());
        List<StoredResult> listed = !listResults ? List.of() : jdbc.sql("select " + COLUMNS
                        + " from probe_result where incident_id = :id order by started_at desc, id desc limit :limit")
                .param("id", incident.id()).param("limit", LISTED_RESULTS)
                .query(this::stored).list();
        Diagnosis diagnosis = CheckEvaluation.diagnose(runbook, checks).orElse(null);
        return new View(incident.key().toString(), checks, diagnosis, CheckEvaluation.alternatives(runbook, checks, diagnosis),
                grid(newest.results()), listed, newest.total());
    }

    /** A result just stored for an incident: its row and the probe it belongs to; {@code traced}: it carries a trace id. */
    record Added(long rowId, String type, String target, String path, Instant startedAt, boolean traced) {
    }

    /**
     * Takes results just stored for the incident (in this transaction) into its evidence, evaluates its checks
     * again and records what changed; {@code source} and {@code by} sent the results.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void add(IncidentRef incident, List<Added> added, String source, Actor by) {
        // one row per probe, the newest; in a fixed order, so concurrent batches lock rows in the same order
        Map<String, Added> newest = new TreeMap<>();
        for (Added a : added) {
            newest.merge(a.type() + "\n" + a.target() + "\n" + a.path(), a, (x, y) ->
                    y.startedAt().isAfter(x.startedAt()) || (y.startedAt().equals(x.startedAt()) && y.rowId() > x.rowId()) ? y : x);
        }
        List<Added> rows = List.copyOf(newest.values());
        jdbc.sql("""
                insert into probe_newest (incident_id, type, target, path, source, result_id, started_at)
                select :incident, u.type, u.target, u.path, :source, u.result_id, u.started_at
                from unnest(:types, :targets, :paths, :ids, :started) as u(type, target, path, result_id, started_at)
                on conflict (incident_id, type, target, path, source) do update
                    set result_id = excluded.result_id, started_at = excluded.started_at
                    where (excluded.started_at, excluded.result_id) > (probe_newest.started_at, probe_newest.result_id)
                """)
                .param("incident", incident.id())
                .param("source", source)
                .param("types", SqlArrays.of("text", rows.stream().map(Added::type).toArray()))
                .param("targets", SqlArrays.of("text", rows.stream().map(Added::target).toArray()))
                .param("paths", SqlArrays.of("text", rows.stream().map(Added::path).toArray()))
                .param("ids", SqlArrays.of("int8", rows.stream().map(Added::rowId).toArray()))
                .param("started", SqlArrays.of("timestamptz", rows.stream().map(a -> Timestamp.from(a.startedAt())).toArray()))
                .update();
        // evaluations of one incident take turns, each seeing the results of those before it
        jdbc.sql("select pg_advisory_xact_lock(:namespace, :id)")
                .param("namespace", LOCK_NAMESPACE).param("id", (int) incident.id()).query().singleRow();
        Runbook runbook = runbooks.require(incident.runbookVersionId());
        List<CheckState> checks = CheckEvaluation.checks(runbook, newest(incident.id()).results());
        Optional<Diagnosis> diagnosis = CheckEvaluation.diagnose(runbook, checks);
        var before = jdbc.sql("select checks, diagnosis_rule from incident_evidence where incident_id = :id")
                .param("id", incident.id())
                .query((rs, row) -> new Evaluated(json.readValue(rs.getString(1), STATES), rs.getString(2)))
                .optional().orElse(new Evaluated(Map.of(), null));
        Map<String, String> states = new LinkedHashMap<>();
        checks.forEach(c -> states.put(c.key(), c.state().label()));
        String rule = diagnosis.map(Diagnosis::rule).orElse(null);
        jdbc.sql("""
                insert into incident_evidence (incident_id, checks, diagnosis_rule, results, evaluated_at)
                values (:id, cast(:checks as jsonb), :rule, :added, :now)
                on conflict (incident_id) do update
                    set checks = excluded.checks, diagnosis_rule = excluded.diagnosis_rule,
                        results = incident_evidence.results + excluded.results, evaluated_at = excluded.evaluated_at
                """)
                .param("id", incident.id())
                .param("checks", json.writeValueAsString(states))
                .param("rule", rule)
                .param("added", added.size())
                .param("now", Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)))
                .update();
        boolean unchanged = states.equals(before.checks()) && Objects.equals(rule, before.rule());
        // new evidence that changed no check shows only on the evidence panel; new trace ids are looked for in the logs
        Set<IncidentPanel.Touch> touches = EnumSet.noneOf(IncidentPanel.Touch.class);
        if (unchanged) {
            touches.add(IncidentPanel.Touch.EVIDENCE);
        }
        if (added.stream().anyMatch(Added::traced)) {
            touches.add(IncidentPanel.Touch.TRACE_IDS);
        }
        commands.touched(incident, touches);
        if (unchanged) {
            return;
        }
        for (CheckState check : checks) {
            String was = before.checks().getOrDefault(check.key(), CheckState.State.PENDING.label());
            if (!was.equals(check.state().label())) {
                commands.record(incident, checkChanged(check, was), checkSummary(check), by);
            }
        }
        if (!Objects.equals(rule, before.rule())) {
            commands.record(incident, diagnosisChanged(diagnosis, before.rule()), diagnosisSummary(diagnosis), by);
        }
    }

    private record Evaluated(Map<String, String> checks, String rule) {
    }

    /** The newest result of each probe of an incident (per type, target, path and sender), and how many results it has in all. */
    private record Newest(List<StoredResult> results, long total) {
    }

    /** Both in one query: the incident page reads them on every update of its evidence. */
    private Newest newest(long incidentId) {
        return jdbc.sql("select r.body, r.submitter, r.received_at, e.results from probe_newest n"
                        + " join probe_result r on r.id = n.result_id left join incident_evidence e on e.incident_id = n.incident_id"
                        + " where n.incident_id = :id")
                .param("id", incidentId)
                .query((ResultSet rs) -> {
                    List<StoredResult> results = new ArrayList<>();
                    long total = 0;
                    while (rs.next()) {
                        total = rs.getLong("results");
                        results.add(stored(rs, results.size()));
                    }
                    return new Newest(results, total);
                });
    }

    private static List<GridRow> grid(List<StoredResult> newest) {
        Map<String, GridRow> rows = new LinkedHashMap<>();
        newest.stream()
                .sorted(Comparator.comparing((StoredResult r) -> r.result().type()).thenComparing(r -> r.result().target())
                        .thenComparing(StoredResult::submitter))
                .forEach(r -> rows.computeIfAbsent(r.result().type() + " " + r.result().target(),
                                k -> new GridRow(r.result().type(), r.result().target(), new EnumMap<>(ProbeResult.Path.class)))
                        .paths().computeIfAbsent(r.result().path(), p -> new ArrayList<>()).add(r));
        return List.copyOf(rows.values());
    }

    private static String checkSummary(CheckState check) {
        ProbeResult r = check.decidedBy() == null ? null : check.decidedBy().result();
        String summary = "Check '" + check.title() + "' " + check.state().label();
        if (!check.reasons().isEmpty()) {
            summary += ": " + String.join("; ", check.reasonTexts());
        }
        return r == null ? summary : summary + " (" + check.decidedBy().submitter() + ", " + r.path().label() + ", " + r.target() + ")";
    }

    private static Fact.CheckChanged checkChanged(CheckState check, String was) {
        return new Fact.CheckChanged(check.key(), check.stage(), check.title(), was, check.state().label(),
                check.reasons().isEmpty() ? null : List.copyOf(check.reasons()), seen(check.decidedBy()));
    }

    private static String diagnosisSummary(Optional<Diagnosis> diagnosis) {
        return diagnosis.map(d -> "Diagnosis: " + d.title() + " (" + d.boundary().label() + ")")
                .orElse("Diagnosis withdrawn: the evidence no longer matches a rule");
    }

    private static Fact.DiagnosisChanged diagnosisChanged(Optional<Diagnosis> diagnosis, String was) {
        return diagnosis.map(d -> new Fact.DiagnosisChanged(was, d.rule(), d.boundary().label(), d.title(),
                        d.evidence().stream().map(c -> new Fact.CheckSeen(c.key(), c.state().label(), seen(c.decidedBy()))).toList()))
                .orElseGet(() -> new Fact.DiagnosisChanged(was, null, null, null, null));
    }

    /** The result that decided a check, as the timeline names it; none when no result did. */
    private static Fact.ProbeSeen seen(StoredResult stored) {
        if (stored == null) {
            return null;
        }
        ProbeResult r = stored.result();
        return new Fact.ProbeSeen(r.id(), stored.submitter(), r.type().label(), r.target(), r.path().label(), r.success(),
                r.startedAt());
    }


    StoredResult stored(ResultSet rs, int row) throws SQLException {
        return new StoredResult(json.readValue(rs.getString("body"), ProbeResult.class), rs.getString("submitter"),
                rs.getTimestamp("received_at").toInstant(), null);
    }

}
