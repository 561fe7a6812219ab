package dev.goldenfive.review;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.FindingRecorded;
import dev.goldenfive.incident.IncidentEvent;
import dev.goldenfive.incident.IncidentManagement;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Timeline;

/**
 * Keeps the reports' table of incident figures: each incident's row is computed again from its timeline
 * (with {@link IncidentFigures}) just before any transaction that changed the incident commits, once per
 * incident however many changes the transaction made. Incidents from before this table existed are filled
 * in after start, in the background.
 */
@Component
class ReportProjection {

    private static final Logger log = LoggerFactory.getLogger(ReportProjection.class);
    private static final int BATCH = 200;

    private final IncidentManagement incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ReportProjection(IncidentManagement incidents, Runbooks runbooks, Timeline timeline, JdbcClient jdbc,
            TransactionTemplate transactions, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The kinds of change the figures depend on (notes, steps and commanders do not move them). */
    private static final Set<String> FIGURES = Set.of("declared", "acknowledged", "mitigated", "stage-entered", "resolved",
            "reopened", "closed");

    @EventListener
    void changed(IncidentEvent event) {
        if (FIGURES.contains(event.kind())) {
            dirty(event.incidentKey());
        }
    }

    @EventListener
    void found(FindingRecorded finding) {
        if ("diagnosis-changed".equals(finding.entry().kind())) {
            dirty(finding.incident().key());
        }
    }

    /** Remembers the incident for the end of the transaction (the first change registers the refresh). */
    @SuppressWarnings("unchecked")
    private void dirty(String key) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            incidents.ref(key).ifPresent(ref -> write(ref, true));
            return;
        }
        Set<String> keys = (Set<String>) TransactionSynchronizationManager.getResource(this);
        if (keys == null) {
            Set<String> fresh = new LinkedHashSet<>();
            TransactionSynchronizationManager.bindResource(this, fresh);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    fresh.forEach(k -> incidents.ref(k).ifPresent(ref -> write(ref, true)));
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(ReportProjection.this);
                }
            });
            keys = fresh;
        }
        keys.add(key);
    }

    /** The incident's figures into the table; {@code replace}: over a row already there, else only where there is none. */
    void write(IncidentRef incident, boolean replace) {
        Runbook runbook = runbooks.byId(incident.runbookVersionId()).orElseThrow().runbook();
        IncidentFigures figures = IncidentFigures.of(incident.startedAt(), runbook, IncidentFigures.entries(timeline, incident.id()), clock.instant());
        String onConflict = replace
                ? " update set title = excluded.title, status = excluded.status, acknowledged_at = excluded.acknowledged_at,"
                  + " mitigated_at = excluded.mitigated_at, resolved_at = excluded.resolved_at,"
                  + " resolving_stage = excluded.resolving_stage, fault_boundary = excluded.fault_boundary"
                : " nothing";
        boolean written = jdbc.sql("insert into report_incident (incident_id, number, title, service, environment, severity,"
                        + " status, started_at, acknowledged_at, mitigated_at, resolved_at, golden_window_end, resolving_stage,"
                        + " fault_boundary) values (:id, :number, :title, :service, :environment, :severity, :status, :startedAt,"
                        + " :acknowledgedAt, :mitigatedAt, :resolvedAt, :goldenWindowEnd, :resolvingStage, :faultBoundary)"
                        + " on conflict (incident_id) do" + onConflict)
                .param("id", incident.id())
                .param("number", Long.parseLong(incident.key().substring(4)))
                .param("title", incident.title())
                .param("service", incident.service())
                .param("environment", incident.environment())
                .param("severity", incident.severity().name())
                .param("status", incident.status().name())
                .param("startedAt", timestamp(figures.startedAt()))
                .param("acknowledgedAt", timestamp(figures.acknowledgedAt()))
                .param("mitigatedAt", timestamp(figures.mitigatedAt()))
                .param("resolvedAt", timestamp(figures.resolvedAt()))
                .param("goldenWindowEnd", timestamp(figures.goldenWindowEnd()))
                .param("resolvingStage", figures.resolvingStage())
                .param("faultBoundary", figures.diagnosis() == null ? null : figures.diagnosis().boundary())
                .update() > 0;
        if (!written) {
            return;
        }
        jdbc.sql("delete from report_stage_time where incident_id = :id").param("id", incident.id()).update();
        int position = 0;
        for (IncidentFigures.StageTime stage : figures.stages()) {
            position++;
            if (stage.outcome() == IncidentFigures.Outcome.SKIPPED) {
                continue;
            }
            jdbc.sql("insert into report_stage_time (incident_id, position, stage, title, seconds, outcome)"
                            + " values (:id, :position, :stage, :title, :seconds, :outcome)")
                    .param("id", incident.id())
                    .param("position", position)
                    .param("stage", stage.key())
                    .param("title", stage.title())
                    .param("seconds", stage.spent().toNanos() / 1e9)
                    .param("outcome", stage.outcome().label())
                    .update();
        }
    }

    /** Fills in the incidents that have no row yet (declared before this table existed), off the start-up path. */
    @EventListener(ApplicationReadyEvent.class)
    void fillIn() {
        Thread.ofVirtual().name("report-fill-in").start(() -> {
            try {
                int filled = fillMissing();
                if (filled > 0) {
                    log.info("Computed the report figures of {} earlier incidents", filled);
                }
            }
            catch (RuntimeException failed) {
                log.warn("Could not compute the report figures of earlier incidents; they are left out of reports", failed);
            }
        });
    }

    /** Computes the rows of every incident that has none; the number computed. */
    int fillMissing() {
        int filled = 0;
        long after = 0;
        List<IncidentRef> batch;
        do {
            batch = incidents.after(after, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            Set<Long> present = Set.copyOf(jdbc.sql("select incident_id from report_incident where incident_id = any(:ids)")
                    .param("ids", SqlArrays.of("int8", batch.stream().map(IncidentRef::id).toArray()))
                    .query(Long.class).list());
            for (IncidentRef incident : batch) {
                if (!present.contains(incident.id())) {
                    transactions.executeWithoutResult(tx -> write(incident, false));
                    filled++;
                }
            }
            after = batch.getLast().id();
        } while (batch.size() == BATCH);
        return filled;
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
