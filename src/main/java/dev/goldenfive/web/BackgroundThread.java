package dev.goldenfive.web;

import java.time.Duration;

/**
 * A feature's long-running thread (timers, report figures) with the start and stop its
 * {@link org.springframework.context.SmartLifecycle} needs: a new thread at every start (test contexts are
 * stopped and started again), interrupted and awaited up to five seconds at stop.
 */
public final class BackgroundThread {

    /** Which of these a thread was started by, so an earlier one can tell it is no longer wanted. */
    private static final ThreadLocal<BackgroundThread> OWNER = new ThreadLocal<>();

    private final String name;
    private final Runnable loop;
    private volatile Thread thread;
    private volatile boolean running;

    public BackgroundThread(String name, Runnable loop) {
        this.name = name;
        this.loop = loop;
    }

    public void start() {
        running = true;
        Thread next = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            OWNER.set(this);
            loop.run();
        });
        thread = next;
        next.start();
    }

    /**
     * Between start and stop; the loop runs while this is true. Asked on a thread this started that is no
     * longer the current one (it outlived a stop and a new start followed), false: only one loop runs.
     */
    public boolean running() {
        return running && (OWNER.get() != this || Thread.currentThread() == thread);
    }

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

    /** False when the thread ended while it should be running. */
    public boolean alive() {
        Thread current = thread;
        return !running || (current != null && current.isAlive());
    }
}
