package dev.goldenfive.logarchive;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.incident.IncidentCommands;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.timeline.Actor;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.web.InvalidField;
import dev.goldenfive.web.VisibleText;

/**
 * Log lines pinned to an incident: copied, so the archive's retention never takes them, and recorded in the
 * incident's timeline (the review shows them).
 */
@Service
public class LogPins {

    private static final TypeReference<Map<String, Object>> ATTRIBUTES = new TypeReference<>() {
    };

    private final LogSearch search;
    private final Incidents incidents;
    private final IncidentCommands commands;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    LogPins(LogSearch search, Incidents incidents, IncidentCommands commands, JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.commands = commands;
        this.search = search;
        this.incidents = incidents;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** A pinned line: the line as it was, who pinned it and when. */
    public record Pin(LogSearch.Line line, String pinnedBy, Instant pinnedAt) {
    }

    /** Pins the line to the incident; pinning it again changes nothing. True when it was pinned now. */
    @Transactional
    public boolean pin(String incidentKey, String lineKey, Actor by) {
        IncidentRef incident = incidents.require(incidentKey);
        LogSearch.Line line = search.line(lineKey)
                .orElseThrow(() -> new InvalidField("line", "there is no such line (it may have expired)", "logs.problem.line"));
        int added = jdbc.sql("""
                insert into log_pin (incident_id, line_key, ts, environment, service, host, level, message, trace_id, attributes,
                                     pinned_by, pinned_at)
                values (:incident, :key, :ts, :environment, :service, :host, :level, :message, :trace, cast(:attributes as jsonb),
                        :by, :now)
                on conflict (incident_id, line_key) do nothing
                """)
                .param("incident", incident.id()).param("key", line.key()).param("ts", Timestamp.from(line.ts()))
                .param("environment", line.environment()).param("service", line.service()).param("host", line.host())
                .param("level", line.level()).param("message", line.message()).param("trace", line.traceId())
                .param("attributes", json.writeValueAsString(line.attributes()))
                .param("by", by.id()).param("now", Timestamp.from(clock.instant()))
                .update();
        if (added == 0) {
            return false;
        }
        Fact.LinePinned pinned = new Fact.LinePinned(line.key(), line.ts(), line.service(), line.host(), line.level(),
                line.message().length() <= 2000 ? line.message() : line.message().substring(0, 2000));
        String excerpt = line.message().length() <= 200 ? line.message() : line.message().substring(0, 199) + "…";
        commands.record(incident, pinned, "Pinned a log line: " + VisibleText.of(excerpt).replace('\n', ' '), by);
        return true;
    }

    @Transactional(readOnly = true)
    public List<Pin> of(IncidentRef incident) {
        return jdbc.sql("""
                select line_key, ts, environment, service, host, level, message, trace_id, attributes, pinned_by, pinned_at
                from log_pin where incident_id = :incident order by ts
                """)
                .param("incident", incident.id())
                .query((rs, row) -> new Pin(new LogSearch.Line(rs.getString("line_key"), rs.getTimestamp("ts").toInstant(),
                        rs.getString("environment"), rs.getString("service"), rs.getString("host"), rs.getString("level"),
                        rs.getString("message"), rs.getString("trace_id"), null, null,
                        json.readValue(rs.getString("attributes"), ATTRIBUTES)), rs.getString("pinned_by"),
                        rs.getTimestamp("pinned_at").toInstant()))
                .list();
    }
}
