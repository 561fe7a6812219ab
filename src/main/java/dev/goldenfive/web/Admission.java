package dev.goldenfive.web;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * At most so many requests of one kind at once on this replica. A request that finds every place taken
 * waits briefly, then is answered 429 with {@code Retry-After}, so a flood of senders gets a clear answer
 * instead of queueing until connections and database time run out.
 */
public final class Admission {

    private final String what;
    private final Semaphore places;
    private final Duration wait;

    public Admission(String what, int concurrent, Duration wait) {
        this.what = what;
        this.places = new Semaphore(concurrent);
        this.wait = wait;
    }

    /** Work done in an admitted place; it may throw what reading a request throws. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    public <T, E extends Exception> T admit(Work<T, E> work) throws E {
        boolean admitted;
        try {
            admitted = places.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            ErrorResponseException busy = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS,
                    ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                            what + " are arriving faster than this replica stores them; retry in a second."), null);
            busy.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
            throw busy;
        }
        try {
            return work.run();
        }
        finally {
            places.release();
        }
    }
}
