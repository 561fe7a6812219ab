package dev.goldenfive.web;

import org.springframework.context.SmartLifecycle;

/** A component whose {@link Worker} runs between the application context's start and stop. */
public abstract class Background implements SmartLifecycle {

    /** The worker this component runs; made once, in the constructor. */
    protected abstract Worker worker();

    @Override
    public void start() {
        worker().start();
    }

    @Override
    public void stop() {
        worker().stop();
    }

    @Override
    public boolean isRunning() {
        return worker().running();
    }
}
