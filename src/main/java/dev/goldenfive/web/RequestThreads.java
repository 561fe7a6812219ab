package dev.goldenfive.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether requests can still be served: every request runs on a virtual thread, so every two seconds a
 * trivial task is handed to the same scheduler; when none has run for {@link #STUCK} the replica is stuck
 * (every carrier thread pinned or blocked) and liveness reports DOWN, so that it is restarted, after the
 * threads are written to the log once.
 */
@Component("requestThreads")
class RequestThreads implements HealthIndicator, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RequestThreads.class);
    static final Duration STUCK = Duration.ofSeconds(30);
    /** The first Java whose virtual threads keep running while they wait in {@code synchronized} code (JEP 491). */
    static final int UNPINNED_MONITORS = 24;
    private static final Duration EVERY = Duration.ofSeconds(2);

    private final Executor scheduler;
    private final Clock clock;
    private final Duration stuck;
    private volatile Instant lastRan;
    private final ThreadDumps.Once dump = new ThreadDumps.Once();
    private final Worker asker;

    @Autowired
    RequestThreads(Clock clock) {
        this(Executors.newVirtualThreadPerTaskExecutor(), clock, STUCK);
    }

    RequestThreads(Executor scheduler, Clock clock, Duration stuck) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.stuck = stuck;
        this.asker = Worker.every(EVERY, "request-threads", "asking the virtual threads to run", log,
                () -> scheduler.execute(() -> lastRan = clock.instant()));
    }

    @Override
    public Health health() {
        Instant last = lastRan;
        if (last != null && Duration.between(last, clock.instant()).compareTo(stuck) > 0) {
            dump.log("No virtual thread has run for " + stuck.toSeconds() + " s: requests cannot be served");
            return Health.down().withDetail("reason", "no virtual thread has run since " + last).build();
        }
        dump.reset();
        return Health.up().build();
    }

    @Override
    public void start() {
        if (Runtime.version().feature() < UNPINNED_MONITORS) {
            log.warn("Running on Java {}: a virtual thread that waits inside synchronized code (in a library) keeps its "
                    + "carrier thread, and under load that can stop every request; run goldenfive on Java {} or newer "
                    + "(the container image uses 25)", Runtime.version().feature(), UNPINNED_MONITORS);
        }
        lastRan = clock.instant();
        asker.start();
    }

    @Override
    public void stop() {
        asker.stop();
    }

    @Override
    public boolean isRunning() {
        return asker.running();
    }
}
