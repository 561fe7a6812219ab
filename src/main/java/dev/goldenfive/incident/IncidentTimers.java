package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.goldenfive.database.DatabaseErrors;
import dev.goldenfive.web.ThreadDumps;
import dev.goldenfive.web.Worker;

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

    private final IncidentDeadlines deadlines;
    private final Incidents incidents;
    private final IncidentMetrics metrics;
    private final Clock clock;
    /** Incidents whose firing failed, and until when they are left alone. */
    private final Map<Long, Instant> setAside = new ConcurrentHashMap<>();
    private final Worker worker = new Worker("incident-timers", "firing incident deadlines", log,
            Worker.Pace.retryingAfter(Duration.ofSeconds(1)).whileDatabaseAway(WHILE_DATABASE_AWAY), this::round);
    private Instant nextMetrics = Instant.MIN;
    private final Duration stuckAfter;
    private final ThreadDumps.Once stuckDump = new ThreadDumps.Once();

    IncidentTimers(IncidentDeadlines deadlines, Incidents incidents, IncidentMetrics metrics, Clock clock,
            IncidentSettings settings) {
        this.deadlines = deadlines;
        this.incidents = incidents;
        this.metrics = metrics;
        this.clock = clock;
        this.stuckAfter = settings.timerStuckAfter();
    }

    @Override
    public void start() {
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

    /** After the web server and everything else, before readiness: overdue deadlines fire right away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    /** A deadline was set or moved on this replica: look again now rather than at the end of the sleep. */
    @TransactionalEventListener
    void deadlineChanged(IncidentEvent.StageEntered entered) {
        worker.wake();
    }

    /** Fires what is due, now and then counts open incidents for the metrics, and rests until the next deadline. */
    private Duration round() {
        int fired = firePass();
        if (clock.instant().isAfter(nextMetrics)) {
            metrics.openByStage(incidents.openByStage());
            nextMetrics = clock.instant().plusSeconds(10);
        }
        return rest(fired);
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
            worker.progress();
            setAside.values().removeIf(until -> until.isBefore(now));
            due = deadlines.due(BATCH, setAside.keySet());
            for (Long id : due) {
                try {
                    fired += deadlines.fire(id) ? 1 : 0;
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
        } while (worker.running() && due.size() >= BATCH);
        return fired;
    }

    /**
     * Until the earliest deadline, at most {@link #MAX_SLEEP}; at least {@link #MIN_SLEEP} when a due deadline
     * could not be taken (another replica holds it), rather than asking again at once.
     */
    private Duration rest(int fired) {
        // a set-aside incident's deadline is long past: counting it would keep the thread from ever sleeping
        Duration sleep = deadlines.earliest(setAside.keySet())
                .map(deadline -> Duration.between(clock.instant(), deadline))
                .filter(untilDue -> untilDue.compareTo(MAX_SLEEP) < 0)
                .orElse(MAX_SLEEP);
        if (sleep.compareTo(MIN_SLEEP) < 0 && fired == 0) {
            sleep = MIN_SLEEP;
        }
        return sleep;
    }

    /**
     * DOWN when the timer thread is gone, or stuck (no round finished for {@code timerStuckAfter}) while the
     * application runs: a restart brings it back. A stuck thread's stack is in the log once.
     */
    @Override
    public Health health() {
        if (!worker.alive()) {
            return Health.down().withDetail("reason", "the incident timer thread has ended").build();
        }
        Instant progress = worker.progressAt();
        if (worker.running() && progress != null && Duration.between(progress, Instant.now()).compareTo(stuckAfter) > 0) {
            stuckDump.log("The incident timer has not finished a round since " + progress);
            return Health.down().withDetail("reason", "the incident timer is stuck since " + progress).build();
        }
        stuckDump.reset();
        return Health.up().withDetail("setAside", setAside.size()).build();
    }
}
