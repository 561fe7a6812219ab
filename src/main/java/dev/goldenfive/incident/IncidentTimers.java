package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.goldenfive.database.DatabaseErrors;
import dev.goldenfive.web.BackgroundThread;
import dev.goldenfive.web.ThreadDumps;

/**
 * Fires stage deadlines on time, on every replica at once without firing any twice. The deadlines live in
 * the database; each pass takes every due incident in a transaction of its own with {@code FOR UPDATE SKIP
 * LOCKED} (so two replicas never take the same one) and the incident itself checks that its deadline is
 * still due (so an incident a person moved on in the meantime is left alone). Between passes the thread sleeps until the earliest
 * deadline, at most {@link #MAX_SLEEP}, and wakes early when this replica sets a new deadline; the cap
 * bounds how late a deadline set on another replica can fire. Deadlines that passed while no replica ran
 * fire at the first pass after start, with their lateness recorded.
 */
@Component("incidentTimers")
class IncidentTimers implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(IncidentTimers.class);
    static final Duration MAX_SLEEP = Duration.ofMillis(100);
    static final Duration MIN_SLEEP = Duration.ofMillis(10);
    static final Duration SET_ASIDE = Duration.ofSeconds(30);
    /** How often a pass is tried while the database is away: a deadline fires this soon after it is back. */
    static final Duration WHILE_DATABASE_AWAY = Duration.ofMillis(250);
    static final int BATCH = 100;

    private final IncidentManagement incidents;
    private final IncidentMetrics metrics;
    private final Clock clock;
    private final Semaphore wake = new Semaphore(0);
    /** Incidents whose firing failed, and until when they are left alone. */
    private final Map<Long, Instant> setAside = new ConcurrentHashMap<>();
    private final BackgroundThread thread = new BackgroundThread("incident-timers", this::loop);
    /** The last pass found the database away (said once in the log, not every few hundred milliseconds). */
    private boolean databaseAway;

    /** When the loop last made progress: a round, or a batch within one. */
    private volatile Instant progressAt;
    private final Duration stuckAfter;
    private final ThreadDumps.Once stuckDump = new ThreadDumps.Once();

    IncidentTimers(IncidentManagement incidents, IncidentMetrics metrics, Clock clock, IncidentSettings settings) {
        this.incidents = incidents;
        this.metrics = metrics;
        this.clock = clock;
        this.stuckAfter = settings.timerStuckAfter();
    }

    @Override
    public void start() {
        progressAt = clock.instant();
        thread.start();
    }

    @Override
    public void stop() {
        thread.stop();
    }

    @Override
    public boolean isRunning() {
        return thread.running();
    }

    /** After the web server and everything else, before readiness: overdue deadlines fire right away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    /** A deadline was set or moved on this replica: look again now rather than at the end of the sleep. */
    @TransactionalEventListener
    void deadlineChanged(IncidentEvent.StageEntered entered) {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        Instant nextMetrics = Instant.MIN;
        try {
            while (thread.running()) {
                try {
                    int fired = firePass();
                    if (databaseAway) {
                        databaseAway = false;
                        log.info("The database is back: incident deadlines fire again");
                    }
                    if (clock.instant().isAfter(nextMetrics)) {
                        metrics.openByStage(incidents.openByStage());
                        nextMetrics = clock.instant().plusSeconds(10);
                    }
                    sleep(fired);
                }
                catch (RuntimeException ex) {
                    if (DatabaseErrors.unavailable(ex)) {
                        if (!databaseAway) {
                            databaseAway = true;
                            log.warn("The database is unavailable ({}); incident deadlines fire as soon as it is back",
                                    NestedExceptionUtils.getMostSpecificCause(ex).getMessage());
                        }
                        Thread.sleep(WHILE_DATABASE_AWAY.toMillis());
                    }
                    else {
                        log.warn("Firing incident deadlines failed; trying again in a second", ex);
                        Thread.sleep(1000);
                    }
                }
            }
        }
        catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
        finally {
            if (thread.running()) {
                log.error("The incident timer thread ended while the application runs; liveness reports DOWN");
            }
        }
    }

    /**
     * Fires every due incident, each in its own transaction, so one that fails cannot hold up the others:
     * it is set aside for {@link #SET_ASIDE} and counted, and the rest go on. A failure because the database
     * is away says nothing about the incident: the pass ends, and the incident is tried again with the others
     * as soon as the database answers.
     */
    private int firePass() {
        int fired = 0;
        List<Long> due;
        do {
            Instant now = clock.instant();
            progressAt = now;
            setAside.values().removeIf(until -> until.isBefore(now));
            due = incidents.due(BATCH, setAside.keySet());
            for (Long id : due) {
                try {
                    fired += incidents.fire(id) ? 1 : 0;
                }
                catch (RuntimeException ex) {
                    if (DatabaseErrors.unavailable(ex)) {
                        throw ex;
                    }
                    setAside.put(id, clock.instant().plus(SET_ASIDE));
                    metrics.timerFailed();
                    log.error("Firing the deadline of incident id {} failed on its own data; setting it aside and "
                            + "trying it again in {} s", id, SET_ASIDE.toSeconds(), ex);
                }
            }
        } while (thread.running() && due.size() >= BATCH);
        return fired;
    }

    /**
     * Until the earliest deadline, at most {@link #MAX_SLEEP}; at least {@link #MIN_SLEEP} when a due deadline
     * could not be taken (another replica holds it), rather than asking again at once.
     */
    private void sleep(int fired) throws InterruptedException {
        // a set-aside incident's deadline is long past: counting it would keep the thread from ever sleeping
        Duration sleep = incidents.earliestDeadline(setAside.keySet())
                .map(deadline -> Duration.between(clock.instant(), deadline))
                .filter(untilDue -> untilDue.compareTo(MAX_SLEEP) < 0)
                .orElse(MAX_SLEEP);
        if (sleep.compareTo(MIN_SLEEP) < 0 && fired == 0) {
            sleep = MIN_SLEEP;
        }
        if (sleep.isPositive()) {
            wake.tryAcquire(sleep.toNanos(), TimeUnit.NANOSECONDS);
            wake.drainPermits();
        }
    }

    /**
     * DOWN when the timer thread is gone, or stuck (no round finished for {@code timerStuckAfter}) while the
     * application runs: a restart brings it back. A stuck thread's stack is in the log once.
     */
    @Override
    public Health health() {
        if (!thread.alive()) {
            return Health.down().withDetail("reason", "the incident timer thread has ended").build();
        }
        Instant progress = progressAt;
        if (thread.running() && progress != null && Duration.between(progress, clock.instant()).compareTo(stuckAfter) > 0) {
            stuckDump.log("The incident timer has not finished a round since " + progress);
            return Health.down().withDetail("reason", "the incident timer is stuck since " + progress).build();
        }
        stuckDump.reset();
        return Health.up().withDetail("setAside", setAside.size()).build();
    }
}
