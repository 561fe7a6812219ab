package dev.goldenfive.probe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentManagement;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.IncidentStatus;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.web.FieldProblem;
import dev.goldenfive.web.InvalidFields;

/**
 * Stores probe results, all of a request or none, and evaluates the evidence of every incident they were
 * attached to. A result sent again with the same id by the same sender is not stored twice: the answer is
 * the result stored the first time.
 * <p>
 * A result that names no incident is attached to the newest open incident whose service and environment
 * equal the result's {@code service} and {@code environment} labels (its own or its agent's), that started
 * no later than {@link ProbeSettings#attachLead()} after the probe, and whose runbook has a check for the
 * probe's type, target and path. Other results are kept unattached and can be searched.
 */
@Service
public class ProbeIngest {

    private final IncidentManagement incidents;
    private final Runbooks runbooks;
    private final Evidence evidence;
    private final ProbeSettings settings;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    ProbeIngest(IncidentManagement incidents, Runbooks runbooks, Evidence evidence, ProbeSettings settings,
            JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.evidence = evidence;
        this.settings = settings;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Who sent results: {@code source} keys idempotency (an agent keeps it across token rotations), {@code name}
     * is shown, {@code labels} go with every result (a result's own labels win).
     */
    public record Sender(String source, Long agentId, String name, Map<String, String> labels, Actor actor) {
    }

    /** What a post did: how many results were new, how many had been stored before, and each as stored. */
    public record Outcome(int created, int repeated, List<StoredResult> results) {
    }

    /** {@code array}: the results came as a JSON array, so errors name them by index ({@code [3].incident}). */
    @Transactional
    public Outcome ingest(List<ProbeResult> results, boolean array, Sender sender) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, IncidentRef> named = named(results, array);
        List<IncidentRef> open = null;
        List<ProbeResult> stored = new ArrayList<>(results.size());
        Map<String, IncidentRef> attachedTo = new HashMap<>();
        for (ProbeResult result : results) {
            Map<String, String> labels = new TreeMap<>(sender.labels());
            labels.putAll(result.labels());
            IncidentRef incident = result.incident() != null ? named.get(result.incident()) : null;
            if (incident == null && result.incident() == null) {
                open = open == null ? incidents.open() : open;
                incident = match(open, labels, result).orElse(null);
            }
            if (incident != null) {
                attachedTo.put(incident.key(), incident);
            }
            stored.add(result.stored(incident == null ? null : incident.key(), labels));
        }
        Map<String, Long> created = insert(stored, attachedTo, sender, now);
        Map<String, StoredResult> before = storedBefore(stored, created, sender);
        Map<String, StoredResult> answered = new HashMap<>();
        List<StoredResult> answers = new ArrayList<>(stored.size());
        for (ProbeResult result : stored) {
            StoredResult first = answered.get(result.id());
            StoredResult answer = first != null ? first.asRepeat(true)
                    : created.containsKey(result.id()) ? new StoredResult(result, sender.name(), now, false)
                    : before.get(result.id()).asRepeat(true);
            answered.putIfAbsent(result.id(), answer);
            answers.add(answer);
        }
        int repeats = (int) answers.stream().filter(StoredResult::repeated).count();
        // only incidents that gained a result have anything new to evaluate
        Map<String, List<Evidence.Added>> added = new TreeMap<>();
        for (ProbeResult r : stored) {
            Long rowId = created.remove(r.id());
            if (rowId != null && r.incident() != null) {
                added.computeIfAbsent(r.incident(), k -> new ArrayList<>()).add(new Evidence.Added(rowId,
                        r.type().name().toLowerCase(Locale.ROOT), r.target(), r.path().label(), r.startedAt()));
            }
        }
        added.forEach((key, rows) -> evidence.add(attachedTo.get(key), rows, sender.source(), sender.actor()));
        return new Outcome(answers.size() - repeats, repeats, answers);
    }

    /** The incidents the results name; unknown and closed ones are errors, named by the result's field. */
    private Map<String, IncidentRef> named(List<ProbeResult> results, boolean array) {
        Map<String, Optional<IncidentRef>> found = new HashMap<>();
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            String key = results.get(i).incident();
            if (key == null) {
                continue;
            }
            Optional<IncidentRef> incident = found.computeIfAbsent(key, incidents::ref);
            String field = (array ? "[" + i + "]." : "") + "incident";
            if (incident.isEmpty()) {
                problems.add(new FieldProblem(field, "there is no incident " + key));
            }
            else if (incident.get().status() == IncidentStatus.CLOSED) {
                problems.add(new FieldProblem(field, key + " is closed and takes no more evidence"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        Map<String, IncidentRef> named = new HashMap<>();
        found.forEach((key, incident) -> named.put(key, incident.orElseThrow()));
        return named;
    }

    private Optional<IncidentRef> match(List<IncidentRef> open, Map<String, String> labels, ProbeResult result) {
        String service = labels.get("service");
        String environment = labels.getOrDefault("environment", labels.get("env"));
        if (service == null || environment == null) {
            return Optional.empty();
        }
        Instant latestStart = result.startedAt().plus(settings.attachLead());
        return open.stream()
                .filter(i -> i.service().equalsIgnoreCase(service) && i.environment().equalsIgnoreCase(environment))
                .filter(i -> !i.startedAt().isAfter(latestStart))
                .filter(i -> checksFor(i, result))
                .findFirst();
    }

    private boolean checksFor(IncidentRef incident, ProbeResult result) {
        Runbook runbook = runbooks.byId(incident.runbookVersionId()).orElseThrow().runbook();
        return runbook.stages().stream().flatMap(s -> s.checks().stream())
                .anyMatch(c -> CheckEvaluation.applies(c, result.type(), result.target(), result.effectivePath()));
    }

    /**
     * Inserts the results in one statement, their bodies as one JSON array that PostgreSQL takes apart (far
     * cheaper than an array parameter per column); the ids of those that were new, by client id.
     */
    private Map<String, Long> insert(List<ProbeResult> stored, Map<String, IncidentRef> attachedTo, Sender sender, Instant now) {
        Object[] incidentIds = stored.stream()
                .map(r -> r.incident() == null ? null : attachedTo.get(r.incident()).id())
                .toArray();
        Map<String, Long> created = new LinkedHashMap<>();
        jdbc.sql("""
                insert into probe_result (source, client_id, agent_id, submitter, incident_id, received_at, started_at,
                                          type, target, path, success, duration_ms, body)
                select :source, r.body ->> 'id', :agent, :submitter, i.incident_id, :now,
                       cast(r.body ->> 'startedAt' as timestamptz), r.body ->> 'type', r.body ->> 'target',
                       r.body ->> 'path', cast(r.body ->> 'success' as boolean), cast(r.body ->> 'durationMs' as float8), r.body
                from jsonb_array_elements(cast(:bodies as jsonb)) with ordinality as r(body, n)
                    join unnest(:incidents) with ordinality as i(incident_id, n) using (n)
                on conflict (source, client_id) do nothing
                returning client_id, id
                """)
                .param("source", sender.source())
                .param("agent", sender.agentId())
                .param("submitter", sender.name())
                .param("now", Timestamp.from(now))
                .param("bodies", json.writeValueAsString(stored))
                .param("incidents", SqlArrays.of("int8", incidentIds))
                .query(rs -> {
                    created.put(rs.getString(1), rs.getLong(2));
                });
        return created;
    }

    /** The results of this sender stored before with the ids of those not inserted now. */
    private Map<String, StoredResult> storedBefore(List<ProbeResult> stored, Map<String, Long> created, Sender sender) {
        Object[] repeated = stored.stream().map(ProbeResult::id).filter(id -> !created.containsKey(id)).distinct().toArray();
        Map<String, StoredResult> before = new HashMap<>();
        if (repeated.length == 0) {
            return before;
        }
        jdbc.sql("select client_id, " + Evidence.COLUMNS + " from probe_result where source = :source and client_id = any(:ids)")
                .param("source", sender.source())
                .param("ids", SqlArrays.of("text", repeated))
                .query((rs, row) -> before.put(rs.getString("client_id"), evidence.stored(rs, row)))
                .list();
        return before;
    }
}
