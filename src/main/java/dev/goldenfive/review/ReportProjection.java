package dev.goldenfive.review;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.goldenfive.database.SqlArrays;
import dev.goldenfive.incident.FindingRecorded;
import dev.goldenfive.incident.IncidentEvent;
import dev.goldenfive.incident.IncidentKey;
import dev.goldenfive.incident.Incidents;
import dev.goldenfive.incident.IncidentRef;
import dev.goldenfive.runbook.Runbook;
import dev.goldenfive.runbook.Runbooks;
import dev.goldenfive.timeline.Fact;
import dev.goldenfive.timeline.Timeline;
import dev.goldenfive.web.Worker;

/**
 * Keeps the reports' table of incident figures, each computed from the incident's timeline with
 * {@link IncidentFigures}. A change marks its incident in {@code report_pending} just before it commits (one
 * statement, however many changes the transaction made), so the timers and ingest pay almost nothing; a
 * thread on every replica computes marked incidents soon after (a moment after on this replica, within a
 * second on the others), a few per transaction, working at most a quarter of the time. A mark is row-locked until its change commits and the computing
 * transaction takes only unlocked marks and deletes the one it computes, so a change is never computed
 * before it is visible, and a change that comes in meanwhile marks the incident again. Incidents from
 * before the table existed are marked after start.
 */
@Component("reportFigures")
class ReportProjection implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ReportProjection.class);
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration SET_ASIDE = Duration.ofSeconds(30);
    static final Duration SETTLE = Duration.ofMillis(200);
    /** Incidents computed in one transaction: few, so a change that marks one of them waits little. */
    private static final int BATCH = 5;
    /** Incidents looked at in one pass when marking those without figures. */
    private static final int MARK_BATCH = 500;
    /**
     * The thread works at most a quarter of the time (after each batch it rests three times as long as the
     * batch took), so a storm of changes is not slowed by computing their figures; reports catch up after.
     */
    private static final int REST_FACTOR = 3;
    /** The changes the figures depend on: the kinds they are made of, and the declaration and closing (title, status). */
    private static final Set<Class<? extends Fact>> FIGURES = Stream.concat(IncidentFigures.KINDS.stream(),
            Stream.of(Fact.Declared.class, Fact.Closed.class)).collect(Collectors.toUnmodifiableSet());

    private final Incidents incidents;
    private final Runbooks runbooks;
    private final Timeline timeline;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** Incidents whose computation failed, and until when they are left alone. */
    private final Map<Long, Instant> setAside = new ConcurrentHashMap<>();
    // changes come in bursts (a timer firing many incidents): the burst finishes before the figures are computed
    private final Worker worker = new Worker("report-figures", "computing report figures", log,
            Worker.Pace.retryingAfter(POLL).settlingAfterWake(SETTLE), this::round);
    private boolean markedMissing;

    ReportProjection(Incidents incidents, Runbooks runbooks, Timeline timeline, JdbcClient jdbc,
            TransactionTemplate transactions, Clock clock) {
        this.incidents = incidents;
        this.runbooks = runbooks;
        this.timeline = timeline;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    @EventListener
    void changed(IncidentEvent event) {
        if (FIGURES.contains(event.fact().getClass())) {
            mark(event.incidentKey());
        }
    }

    @EventListener
    void found(FindingRecorded finding) {
        if (FIGURES.contains(finding.entry().fact().getClass())) {
            mark(finding.incident().key());
        }
    }

    /** Marks the incident just before the transaction commits, and wakes this replica's thread after it did. */
    @SuppressWarnings("unchecked")
    private void mark(IncidentKey key) {
        long number = key.number();
        Set<Long> numbers = (Set<Long>) TransactionSynchronizationManager.getResource(this);
        if (numbers == null) {
            Set<Long> fresh = new TreeSet<>();
            TransactionSynchronizationManager.registerSynchronization(new Marks(fresh));
            TransactionSynchronizationManager.bindResource(this, fresh);
            numbers = fresh;
        }
        numbers.add(number);
    }

    /** The incidents a transaction changed; they go with the transaction when another is started inside it. */
    private final class Marks implements TransactionSynchronization {

        private final Set<Long> numbers;

        Marks(Set<Long> numbers) {
            this.numbers = numbers;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResourceIfPossible(ReportProjection.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(ReportProjection.this, numbers);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            markAll(numbers);
        }

        @Override
        public void afterCommit() {
            worker.wake();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(ReportProjection.this);
        }
    }

    /**
     * One statement for all, in ascending order (two transactions marking the same incidents lock them in the
     * same order, so they cannot deadlock); a mark already there is updated, so it stays locked until this commits.
     */
    private void markAll(Set<Long> numbers) {
        jdbc.sql("insert into report_pending (number) select unnest(:numbers) on conflict (number)"
                        + " do update set marks = report_pending.marks + 1")
                .param("numbers", SqlArrays.of("int8", numbers.stream().sorted().toArray()))
                .update();
    }

    /**
     * Computes up to {@code limit} marked incidents in one transaction; the number computed, 0 when none is left
     * to take. When that fails they are taken again one by one: the one that fails stays marked and is set
     * aside for {@link #SET_ASIDE}, so it cannot hold up the others.
     */
    int compute(int limit) {
        Instant now = clock.instant();
        setAside.values().removeIf(until -> until.isBefore(now));
        List<Long> taken = new ArrayList<>();
        try {
            transactions.executeWithoutResult(tx -> {
                // a figure that takes this long is stuck on something; it is set aside rather than holding marks
                jdbc.sql("set local statement_timeout = '10s'").update();
                taken.addAll(jdbc.sql("select number from report_pending where number <> all(:setAside)"
                                + " order by marked_at limit :limit for update skip locked")
                        .param("setAside", SqlArrays.of("int8", setAside.keySet().toArray()))
                        .param("limit", limit)
                        .query(Long.class).list());
                if (!taken.isEmpty()) {
                    jdbc.sql("delete from report_pending where number = any(:taken)")
                            .param("taken", SqlArrays.of("int8", taken.toArray())).update();
                    taken.forEach(n -> incidents.ref(new IncidentKey(n)).ifPresent(this::write));
                }
            });
            return taken.size();
        }
        catch (RuntimeException failed) {
            if (taken.isEmpty()) {
                throw failed;
            }
            if (taken.size() == 1) {
                setAside.put(taken.getFirst(), now.plus(SET_ASIDE));
                log.error("Computing the report figures of INC-{} failed; trying again in {} s", taken.getFirst(),
                        SET_ASIDE.toSeconds(), failed);
                return 1;
            }
            int computed = 0;
            for (int i = 0; i < taken.size() && compute(1) > 0; i++) {
                computed++;
            }
            return computed;
        }
    }

    /** Computes every marked incident and waits for those other replicas are computing; the number this one computed. */
    int catchUp() throws InterruptedException {
        int computed = 0;
        while (true) {
            for (int n = compute(BATCH); n > 0; n = compute(BATCH)) {
                computed += n;
            }
            if (jdbc.sql("select count(*) from report_pending where number <> all(:setAside)")
                    .param("setAside", SqlArrays.of("int8", setAside.keySet().toArray())).query(Long.class).single() == 0) {
                return computed;
            }
            Thread.sleep(10);
        }
    }

    /** The incident's figures into the table, over what was there; a drill has none there (drill reports are its own). */
    private void write(IncidentRef incident) {
        if (incident.isDrill()) {
            return;
        }
        Runbook runbook = runbooks.require(incident.runbookVersionId());
        IncidentFigures figures = IncidentFigures.of(incident.startedAt(), runbook,
                IncidentFigures.entries(timeline, incident.id()), clock.instant());
        jdbc.sql("insert into report_incident (incident_id, number, title, service, environment, severity, status,"
                        + " started_at, acknowledged_at, mitigated_at, resolved_at, golden_window_end, resolving_stage,"
                        + " fault_boundary) values (:id, :number, :title, :service, :environment, :severity, :status,"
                        + " :startedAt, :acknowledgedAt, :mitigatedAt, :resolvedAt, :goldenWindowEnd, :resolvingStage,"
                        + " :faultBoundary) on conflict (incident_id) do update set title = excluded.title,"
                        + " status = excluded.status, acknowledged_at = excluded.acknowledged_at,"
                        + " mitigated_at = excluded.mitigated_at, resolved_at = excluded.resolved_at,"
                        + " resolving_stage = excluded.resolving_stage, fault_boundary = excluded.fault_boundary")
                .param("id", incident.id())
                .param("number", incident.key().number())
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
                .update();
        jdbc.sql("delete from report_stage_time where incident_id = :id").param("id", incident.id()).update();
        List<IncidentFigures.StageTime> entered = figures.stages().stream()
                .filter(stage -> stage.outcome() != IncidentFigures.Outcome.SKIPPED).toList();
        if (!entered.isEmpty()) {
            jdbc.sql("insert into report_stage_time (incident_id, position, stage, title, seconds, outcome)"
                            + " select :id, * from unnest(:positions, :stages, :titles, :seconds, :outcomes)")
                    .param("id", incident.id())
                    .param("positions", SqlArrays.of("int4", entered.stream().map(s -> figures.stages().indexOf(s) + 1).toArray()))
                    .param("stages", SqlArrays.of("varchar", entered.stream().map(IncidentFigures.StageTime::key).toArray()))
                    .param("titles", SqlArrays.of("varchar", entered.stream().map(IncidentFigures.StageTime::title).toArray()))
                    .param("seconds", SqlArrays.of("float8", entered.stream().map(s -> s.spent().toNanos() / 1e9).toArray()))
                    .param("outcomes", SqlArrays.of("varchar", entered.stream().map(s -> s.outcome().label()).toArray()))
                    .update();
        }
    }

    /** Marks the incidents that have no figures yet (declared before this table existed); the number marked. */
    int markMissing() {
        int marked = 0;
        long after = 0;
        List<IncidentRef> batch;
        do {
            batch = incidents.after(after, MARK_BATCH);
            if (batch.isEmpty()) {
                break;
            }
            Set<Long> present = Set.copyOf(jdbc.sql("select incident_id from report_incident where incident_id = any(:ids)")
                    .param("ids", SqlArrays.of("int8", batch.stream().map(IncidentRef::id).toArray()))
                    .query(Long.class).list());
            Set<Long> missing = new LinkedHashSet<>();
            batch.stream().filter(incident -> !incident.isDrill() && !present.contains(incident.id()))
                    .forEach(incident -> missing.add(incident.key().number()));
            if (!missing.isEmpty()) {
                try {
                    transactions.executeWithoutResult(tx -> markAll(missing));
                    marked += missing.size();
                }
                catch (RuntimeException failed) {
                    log.warn("Could not mark {} earlier incidents for the reports; the next start tries again", missing.size(), failed);
                }
            }
            after = batch.getLast().id();
        } while (batch.size() == MARK_BATCH);
        return marked;
    }

    @Override
    public void start() {
        markedMissing = false;
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }

    /**
     * Marks the incidents that have no figures yet (once, first), then computes a batch of figures and rests
     * three times as long as it took, or, with nothing to compute, until a change wakes it.
     */
    private Duration round() throws InterruptedException {
        if (!markedMissing) {
            markedMissing = true;
            try {
                int marked = markMissing();
                if (marked > 0) {
                    log.info("Computing the report figures of {} earlier incidents", marked);
                }
            }
            catch (RuntimeException failed) {
                log.warn("Could not mark earlier incidents for the reports; the next start tries again", failed);
            }
        }
        long started = System.nanoTime();
        if (compute(BATCH) > 0) {
            // a rest no change cuts short: a storm of changes is not slowed by computing their figures
            Thread.sleep(Duration.ofNanos((System.nanoTime() - started) * REST_FACTOR));
            return Duration.ZERO;
        }
        return POLL;
    }

    /** DOWN when the thread is gone while the application runs (reports then go stale); how many wait. */
    @Override
    public Health health() {
        Health.Builder health = worker.alive() ? Health.up() : Health.down().withDetail("reason", "the report figures thread has ended");
        return health.withDetail("pending", jdbc.sql("select count(*) from report_pending").query(Long.class).single())
                .withDetail("setAside", setAside.size())
                .build();
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
