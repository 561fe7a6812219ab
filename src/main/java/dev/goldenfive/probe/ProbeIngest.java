package dev.goldenfive.probe;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.Incidents;
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
 * probe's type, target and path. A result with a {@code monitor} label belongs to that monitor (when the
 * monitor's service is the result's) and becomes evidence only of the incident the monitor opens, once it has
 * been stored. Other results are kept unattached and can be searched.
 */
@Service
public class ProbeIngest {

    /** Clocks disagree a little; a probe further ahead than this is a mistake (it would stay "newest" for long). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    static final Duration OLDEST = Duration.ofDays(30);

    private final Incidents incidents;
    private final Runbooks runbooks;
    private final Evidence evidence;
    private final ProbeSettings settings;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final MonitorDetection detection;

    ProbeIngest(Incidents incidents, Runbooks runbooks, Evidence evidence, ProbeSettings settings,
            JdbcClient jdbc, JsonMapper json, Clock clock, MonitorDetection detection) {
        this.detection = detection;
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

    /** What a post did: each result as stored, and whether it had been stored before. */
    public record Outcome(List<StoredResult> results) {

        public int created() {
            return results.size() - repeated();
        }

        public int repeated() {
            return (int) results.stream().filter(StoredResult::repeated).count();
        }
    }

    /** {@code array}: the results came as a JSON array, so errors name them by index ({@code [3].incident}). */
    @Transactional
    public Outcome ingest(List<ProbeResult> results, boolean array, Sender sender) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // a result sent before is answered as it was stored, whatever became of its incident since
        Map<String, StoredResult> before = storedBefore(results.stream().map(ProbeResult::id).toList(), sender);
        Map<String, IncidentRef> named = check(results, before.keySet(), array, now);
        List<IncidentRef> open = null;
        Map<Long, List<Runbook.Check>> checks = new HashMap<>();
        List<ProbeResult> stored = new ArrayList<>(results.size());
        Map<String, IncidentRef> attachedTo = new HashMap<>();
        for (ProbeResult result : results) {
            if (before.containsKey(result.id())) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>(sender.labels());
            labels.putAll(result.labels());
            IncidentRef incident;
            if (result.incident() != null) {
                incident = named.get(result.incident());
            }
            else if (labels.containsKey("monitor")) {
                // a monitor's result is its incident's evidence, and no other's: detection attaches it
                incident = null;
            }
            else {
                open = open == null ? incidents.open() : open;
                incident = match(open, labels, result, checks).orElse(null);
            }
            if (incident != null) {
                attachedTo.put(incident.key().toString(), incident);
            }
            stored.add(result.stored(incident == null ? null : incident.key().toString(), labels));
        }
        Set<Long> monitored = new HashSet<>();
        Map<String, Long> created = stored.isEmpty() ? Map.of() : insert(stored, attachedTo, sender, now, monitored);
        // stored meanwhile by a request racing this one (the same batch sent twice at once)
        Map<String, StoredResult> raced = storedBefore(stored.stream().map(ProbeResult::id)
                .filter(id -> !created.containsKey(id)).toList(), sender);
        Map<String, StoredResult> answered = new HashMap<>();
        List<StoredResult> answers = new ArrayList<>(results.size());
        Map<String, ProbeResult> storedById = new HashMap<>();
        stored.forEach(r -> storedById.putIfAbsent(r.id(), r));
        for (ProbeResult result : results) {
            String id = result.id();
            StoredResult first = answered.get(id);
            StoredResult answer = first != null ? first.asRepeat()
                    : before.containsKey(id) ? before.get(id).asRepeat()
                    : created.containsKey(id) ? new StoredResult(storedById.get(id), sender.name(), now, false)
                    : raced.get(id).asRepeat();
            answered.putIfAbsent(id, answer);
            answers.add(answer);
        }
        // only incidents that gained a result have anything new to evaluate
        Map<String, List<Evidence.Added>> added = new TreeMap<>();
        storedById.values().forEach(r -> {
            Long rowId = created.get(r.id());
            if (rowId != null && r.incident() != null) {
                added.computeIfAbsent(r.incident(), k -> new ArrayList<>()).add(new Evidence.Added(rowId,
                        r.type().label(), r.target(), r.path().label(), r.startedAt(), r.traceId() != null && !r.traceId().isBlank()));
            }
        });
        added.forEach((key, rows) -> evidence.add(attachedTo.get(key), rows, sender.source(), sender.actor()));
        if (!monitored.isEmpty()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    detection.observe(monitored);
                }
            });
        }
        return new Outcome(answers);
    }

    /**
     * What only the service can check of the results not stored before: the incidents they name exist and are
     * not closed, and they did not start in the future or more than {@link #OLDEST} ago. Each problem is named
     * by the result's field; the incidents named, by key.
     */
    private Map<String, IncidentRef> check(List<ProbeResult> results, Set<String> storedBefore, boolean array,
            Instant now) {
        Map<String, Optional<IncidentRef>> found = new HashMap<>();
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ProbeResult result = results.get(i);
            if (storedBefore.contains(result.id())) {
                continue;
            }
            String prefix = array ? "[" + i + "]." : "";
            if (result.startedAt().isAfter(now.plus(CLOCK_SKEW))) {
                problems.add(new FieldProblem(prefix + "startedAt", "must not be in the future (is the agent's clock right?)"));
            }
            else if (result.startedAt().isBefore(now.minus(OLDEST))) {
                problems.add(new FieldProblem(prefix + "startedAt", "must be within the last " + OLDEST.toDays() + " days"));
            }
            String key = result.incident();
            if (key == null) {
                continue;
            }
            Optional<IncidentRef> incident = found.computeIfAbsent(key, k -> IncidentKey.parse(k).flatMap(incidents::ref));
            if (incident.isEmpty()) {
                problems.add(new FieldProblem(prefix + "incident", "there is no incident " + key));
            }
            else if (incident.get().status() == IncidentStatus.CLOSED) {
                problems.add(new FieldProblem(prefix + "incident", key + " is closed and takes no more evidence"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields(problems);
        }
        Map<String, IncidentRef> named = new HashMap<>();
        found.forEach((key, incident) -> named.put(key, incident.orElseThrow()));
        return named;
    }

    /** {@code checks}: each runbook version's checks, filled as versions are met. */
    private Optional<IncidentRef> match(List<IncidentRef> open, Map<String, String> labels, ProbeResult result,
            Map<Long, List<Runbook.Check>> checks) {
        String service = labels.get("service");
        String environment = labels.getOrDefault("environment", labels.get("env"));
        if (service == null || environment == null) {
            return Optional.empty();
        }
        Instant latestStart = result.startedAt().plus(settings.attachLead());
        return open.stream()
                .filter(i -> i.service().equalsIgnoreCase(service) && i.environment().equalsIgnoreCase(environment))
                .filter(i -> !i.startedAt().isAfter(latestStart))
                .filter(i -> checks.computeIfAbsent(i.runbookVersionId(), id -> runbooks.require(id).stages().stream()
                                .flatMap(s -> s.checks().stream()).toList()).stream()
                        .anyMatch(c -> CheckEvaluation.applies(c, result.type(), result.target(), result.effectivePath())))
                .findFirst();
    }

    /**
     * Inserts the results in one statement, their bodies as one JSON array that PostgreSQL takes apart (far
     * cheaper than an array parameter per column); the ids of those that were new, by client id.
     */
    private Map<String, Long> insert(List<ProbeResult> results, Map<String, IncidentRef> attachedTo, Sender sender, Instant now,
            Set<Long> monitored) {
        // in id order, so two requests with the same results lock the unique index in the same order
        List<ProbeResult> stored = results.stream().sorted(Comparator.comparing(ProbeResult::id)).toList();
        Object[] incidentIds = stored.stream()
                .map(r -> r.incident() == null ? null : attachedTo.get(r.incident()).id())
                .toArray();
        Map<String, Long> created = new LinkedHashMap<>();
        jdbc.sql("""
                insert into probe_result (source, client_id, agent_id, submitter, incident_id, received_at, started_at,
                                          type, target, path, success, duration_ms, body, monitor_id)
                select :source, r.body ->> 'id', :agent, :submitter, i.incident_id, :now,
                       cast(r.body ->> 'startedAt' as timestamptz), r.body ->> 'type', r.body ->> 'target',
                       r.body ->> 'path', cast(r.body ->> 'success' as boolean), cast(r.body ->> 'durationMs' as float8), r.body,
                       (select m.id from monitor m where lower(m.name) = lower(r.body -> 'labels' ->> 'monitor')
                                                     and lower(m.service) = lower(r.body -> 'labels' ->> 'service'))
                from jsonb_array_elements(cast(:bodies as jsonb)) with ordinality as r(body, n)
                    join unnest(:incidents) with ordinality as i(incident_id, n) using (n)
                on conflict (source, client_id) do nothing
                returning client_id, id, monitor_id
                """)
                .param("source", sender.source())
                .param("agent", sender.agentId())
                .param("submitter", sender.name())
                .param("now", Timestamp.from(now))
                .param("bodies", json.writeValueAsString(stored))
                .param("incidents", SqlArrays.of("int8", incidentIds))
                .query(rs -> {
                    created.put(rs.getString(1), rs.getLong(2));
                    long monitor = rs.getLong(3);
                    if (!rs.wasNull()) {
                        monitored.add(monitor);
                    }
                });
        return created;
    }

    /** The results of this sender stored before with these ids, by id. */
    private Map<String, StoredResult> storedBefore(List<String> ids, Sender sender) {
        Map<String, StoredResult> before = new HashMap<>();
        if (ids.isEmpty()) {
            return before;
        }
        jdbc.sql("select client_id, " + Evidence.COLUMNS + " from probe_result where source = :source and client_id = any(:ids)")
                .param("source", sender.source())
                .param("ids", SqlArrays.of("text", ids.stream().distinct().toArray()))
                .query((rs, row) -> before.put(rs.getString("client_id"), evidence.stored(rs, row)))
                .list();
        return before;
    }
}
