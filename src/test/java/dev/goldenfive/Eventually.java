package dev.goldenfive;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for something another thread or process brings about: for a failing test's sake, never a measure of speed. */
public final class Eventually {

    private Eventually() {
    }

    /** Whether {@code condition} came to hold within {@code patience}, asked every 100 ms. */
    public static boolean holds(BooleanSupplier condition, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
