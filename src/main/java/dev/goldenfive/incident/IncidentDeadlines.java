package dev.goldenfive.incident;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.database.SqlArrays;

/**
 * The stage deadlines the {@link IncidentTimers} fire: which are due, and firing those of one incident
 * exactly once across replicas (the incident's row lock, skipped when someone else holds it).
 */
@Component
@Transactional
class IncidentDeadlines {

    private final IncidentRepository incidents;
    private final Incidents reads;
    private final IncidentCommands commands;
    private final JdbcClient jdbc;
    private final Clock clock;

    IncidentDeadlines(IncidentRepository incidents, Incidents reads, IncidentCommands commands, JdbcClient jdbc,
            Clock clock) {
        this.incidents = incidents;
        this.reads = reads;
        this.commands = commands;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Incidents whose deadline is due, earliest first, but those {@code setAside} (the timers then fire them one by one). */
    @Transactional(readOnly = true)
    List<Long> due(int limit, Set<Long> setAside) {
        return jdbc.sql("select id from incident where next_deadline_at <= :now and id <> all(:setAside)"
                        + " order by next_deadline_at limit :limit")
                .param("setAside", SqlArrays.of("int8", setAside.toArray()))
                .param("now", Timestamp.from(Incident.now(clock)))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /**
     * Fires the due deadlines of one incident in a transaction of its own, unless another replica (or a
     * person) holds it right now; then it is due again at the next pass. True when something fired.
     */
    boolean fire(long id) {
        // the same lock people take (Hibernate's PESSIMISTIC_WRITE): it leaves rows that reference the incident
        // free to be inserted, as FOR UPDATE would not (a foreign key's check would wait on it)
        Optional<Long> locked = jdbc.sql("select id from incident where id = :id and next_deadline_at <= :now"
                        + " for no key update skip locked")
                .param("id", id)
                .param("now", Timestamp.from(Incident.now(clock)))
                .query(Long.class)
                .optional();
        if (locked.isEmpty()) {
            return false;
        }
        Incident incident = incidents.findById(id).orElseThrow();
        // the time of the firing itself, so the recorded lateness includes every wait before it
        if (!incident.fireDeadlines(reads.runbook(incident).runbook(), Incident.now(clock))) {
            return false;
        }
        commands.recordEvents(incident);
        return true;
    }

    /** The earliest deadline still to fire, if any, but those of the incidents {@code setAside}. */
    @Transactional(readOnly = true)
    Optional<Instant> earliest(Set<Long> setAside) {
        return jdbc.sql("select min(next_deadline_at) from incident where next_deadline_at is not null and id <> all(:setAside)")
                .param("setAside", SqlArrays.of("int8", setAside.toArray()))
                .query(Timestamp.class).optional().map(Timestamp::toInstant);
    }
}
