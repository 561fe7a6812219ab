package dev.goldenfive.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first thing a stopping replica does (SIGTERM, a rolling restart): say it is not ready, then keep
 * serving for {@link WebSettings#shutdownDrain()}, so that a load balancer or ingress that polls readiness
 * stops sending requests before the server stops accepting them. Then the server's graceful shutdown lets
 * the requests in flight finish.
 */
@Component
class ShutdownDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDrain.class);

    private final ApplicationEventPublisher events;
    private final WebSettings settings;
    private volatile boolean running;
    private volatile boolean stoppedBefore;

    ShutdownDrain(ApplicationEventPublisher events, WebSettings settings) {
        this.events = events;
        this.settings = settings;
    }

    /** Started again after a stop (a paused context resumed): ready again, as Boot said at the first start. */
    @Override
    public void start() {
        if (stoppedBefore) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        stoppedBefore = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        if (settings.shutdownDrain().isPositive()) {
            log.info("Stopping: not ready any more, still serving for {} s", settings.shutdownDrain().toSeconds());
            try {
                Thread.sleep(settings.shutdownDrain());
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before everything else, while the web server still takes requests. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
