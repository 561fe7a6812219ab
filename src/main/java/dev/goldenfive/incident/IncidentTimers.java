package dev.goldenfive.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Fires stage deadlines on time, on every replica at once without firing any twice. The deadlines live in
 * the database; each pass takes the due incidents with {@code FOR UPDATE SKIP LOCKED} (so two replicas
 * never take the same one) and the incident itself checks that its deadline is still due (so an incident a
 * person moved on in the meantime is left alone). Between passes the thread sleeps until the earliest
 * deadline, at most {@link #MAX_SLEEP}, and wakes early when this replica sets a new deadline; the cap
 * bounds how late a deadline set on another replica can fire. Deadlines that passed while no replica ran
 * fire at the first pass after start, with their lateness recorded.
 */
@Component
class IncidentTimers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IncidentTimers.class);
    static final Duration MAX_SLEEP = Duration.ofMillis(100);
    static final int BATCH = 100;

    private final IncidentManagement incidents;
    private final IncidentMetrics metrics;
    private final Clock clock;
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread thread;
    private volatile boolean running;

    IncidentTimers(IncidentManagement incidents, IncidentMetrics metrics, Clock clock) {
        this.incidents = incidents;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("incident-timers").daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
            try {
                current.join(Duration.ofSeconds(5));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
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
        while (running) {
            try {
                while (running && incidents.fireDue(BATCH) == BATCH) {
                    // a full batch: more may be due
                }
                if (clock.instant().isAfter(nextMetrics)) {
                    metrics.openByStage(incidents.openByStage());
                    nextMetrics = clock.instant().plusSeconds(10);
                }
                Duration sleep = incidents.earliestDeadline()
                        .map(deadline -> Duration.between(clock.instant(), deadline))
                        .filter(untilDue -> untilDue.compareTo(MAX_SLEEP) < 0)
                        .orElse(MAX_SLEEP);
                if (!sleep.isNegative() && !sleep.isZero()) {
                    wake.tryAcquire(sleep.toNanos(), TimeUnit.NANOSECONDS);
                    wake.drainPermits();
                }
            }
            catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException ex) {
                if (!running) {
                    return;
                }
                log.warn("Firing incident deadlines failed; trying again in a second", ex);
                try {
                    Thread.sleep(1000);
                }
                catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
