package dev.goldenfive.web;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

import org.springframework.core.NestedExceptionUtils;

import dev.goldenfive.database.DatabaseErrors;

/**
 * The skeleton of every background worker (incident timers, report figures, the change listener and its
 * touches, the webhook sender, log retention, goldenfive's own logs, the request-thread check): one named
 * platform thread that runs the worker's {@link Round} again and again between the start and stop of its
 * {@link org.springframework.context.SmartLifecycle}. A round says how long to rest before the next;
 * {@link #wake()} ends a rest early. A round that fails is logged and tried again after
 * {@link Pace#afterFailure}; while the database is away that is said once, the round is tried every
 * {@link Pace#whileDatabaseAway}, and the return of the database is said too.
 */
public final class Worker {

    /** One round of work; returns how long to rest before the next (zero: go on at once). */
    @FunctionalInterface
    public interface Round {
        Duration run() throws InterruptedException;
    }

    /**
     * How a worker paces itself around failures: the rest after a failed round, the rest while the database
     * is away, and a pause after a wake so a burst of changes can finish before the next round.
     */
    public record Pace(Duration afterFailure, Duration whileDatabaseAway, Duration settleAfterWake) {

        /** The same rest after any failure, no settling. */
        public static Pace retryingAfter(Duration afterFailure) {
            return new Pace(afterFailure, afterFailure, Duration.ZERO);
        }

        public Pace whileDatabaseAway(Duration rest) {
            return new Pace(afterFailure, rest, settleAfterWake);
        }

        public Pace settlingAfterWake(Duration settle) {
            return new Pace(afterFailure, whileDatabaseAway, settle);
        }
    }

    /** Which of these a thread was started by, so an earlier one can tell it is no longer wanted. */
    private static final ThreadLocal<Worker> OWNER = new ThreadLocal<>();

    private final String name;
    private final String task;
    private final Logger log;
    private final Pace pace;
    private final Round round;
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread thread;
    private volatile boolean running;
    private volatile Instant progressAt;
    private boolean databaseAway;

    /**
     * @param name  the thread's name
     * @param task  what the worker does, for the log: "firing incident deadlines"
     * @param log   the owner's logger, so the lines say whose they are
     */
    public Worker(String name, String task, Logger log, Pace pace, Round round) {
        this.name = name;
        this.task = task;
        this.log = log;
        this.pace = pace;
        this.round = round;
    }

    /** A worker that does {@code work} every {@code interval} (also after a failure). */
    public static Worker every(Duration interval, String name, String task, Logger log, Runnable work) {
        return new Worker(name, task, log, Pace.retryingAfter(interval), () -> {
            work.run();
            return interval;
        });
    }

    /** A new thread at every start: a stopped context (a paused test context, say) may be started again. */
    public void start() {
        running = true;
        progressAt = Instant.now();
        Thread next = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            OWNER.set(this);
            loop();
        });
        thread = next;
        next.start();
    }

    /**
     * Ends a rest at once and lets a round under way finish (a batch being stored or sent is not cut off) for
     * up to two seconds; a round that takes longer is interrupted and awaited three seconds more.
     */
    public void stop() {
        running = false;
        wake();
        Thread current = thread;
        if (current != null) {
            try {
                current.join(Duration.ofSeconds(2));
                if (current.isAlive()) {
                    current.interrupt();
                    current.join(Duration.ofSeconds(3));
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Between start and stop; rounds run while this is true. Asked on a thread this started that is no
     * longer the current one (it outlived a stop and a new start followed), false: only one loop runs.
     */
    public boolean running() {
        return running && (OWNER.get() != this || Thread.currentThread() == thread);
    }

    /** Ends the current rest: there is work now. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** False when the thread ended while it should be running. */
    public boolean alive() {
        Thread current = thread;
        return !running || (current != null && current.isAlive());
    }

    /** When the worker last finished a round, or said it made {@linkplain #progress() progress} within one. */
    public Instant progressAt() {
        return progressAt;
    }

    /** Called within a long round: it is still moving. */
    public void progress() {
        progressAt = Instant.now();
    }

    private void loop() {
        try {
            while (running()) {
                Duration rest;
                try {
                    rest = round.run();
                    progress();
                    if (databaseAway) {
                        databaseAway = false;
                        log.info("The database is back: {} again", task);
                    }
                }
                catch (RuntimeException ex) {
                    if (!running()) {
                        break;
                    }
                    rest = failed(ex);
                }
                rest(rest);
            }
        }
        catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
        finally {
            if (running()) {
                log.error("The {} thread ended while the application runs ({} stopped)", name, task);
            }
        }
    }

    private Duration failed(RuntimeException ex) {
        if (DatabaseErrors.unavailable(ex)) {
            if (!databaseAway) {
                databaseAway = true;
                log.warn("The database is unavailable ({}); {} again as soon as it is back",
                        NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), task);
            }
            return pace.whileDatabaseAway();
        }
        log.warn("{} failed; trying again in {} ms", capitalised(task), pace.afterFailure().toMillis(), ex);
        return pace.afterFailure();
    }

    private void rest(Duration rest) throws InterruptedException {
        if (rest.isPositive() && wake.tryAcquire(rest.toNanos(), TimeUnit.NANOSECONDS) && pace.settleAfterWake().isPositive()) {
            Thread.sleep(pace.settleAfterWake());
        }
        wake.drainPermits();
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
