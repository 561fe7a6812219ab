package dev.goldenfive.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/** A sign-in refused because too many failed before it; says how long to wait. */
class LoginThrottled extends AuthenticationException {

    private final long retryAfterSeconds;

    LoginThrottled(Duration wait) {
        super("Too many failed sign-ins");
        this.retryAfterSeconds = secondsOf(wait);
    }

    /** Whole seconds, rounded up, and at least one. */
    static long secondsOf(Duration wait) {
        return Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
