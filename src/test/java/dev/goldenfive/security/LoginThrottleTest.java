package dev.goldenfive.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The throttle against the real table, on a clock the test moves. */
@GoldenfiveTest
class LoginThrottleTest {

    static final SecuritySettings SETTINGS = new SecuritySettings("", "", 12, new SecuritySettings.LoginThrottle(5, 20,
            Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofHours(1)));

    @Autowired
    JdbcClient jdbc;

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void theFirstBlockDoublesWithEachFurtherFailure() {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        assertThat(throttle.blockFor(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(throttle.blockFor(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(throttle.blockFor(4)).isEqualTo(Duration.ofMinutes(8));
    }

    @Test
    void noBlockIsLongerThanTheMaximumHoweverManyFailures() {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        assertThat(throttle.blockFor(5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.blockFor(10_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aBurstOfConcurrentGuessesGetsNoMorePasswordChecksThanAllowed() throws Exception {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        String user = "burst-" + UUID.randomUUID();
        var start = new CountDownLatch(1);
        Callable<Boolean> attempt = () -> {
            start.await();
            return throttle.admit(user, "10.9.0." + Thread.currentThread().threadId() % 250).isEmpty();
        };
        try (var pool = Executors.newFixedThreadPool(16)) {
            var futures = IntStream.range(0, 16).mapToObj(i -> pool.submit(attempt)).toList();
            start.countDown();
            long admitted = 0;
            for (var future : futures) {
                admitted += future.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(5);
        }
    }

    @Test
    void afterABlockEndsOneAttemptAtATimeMayTryAndAnotherFailureBlocksForLonger() {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        String user = "slow-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.admit(user, "10.9.1.1")).isEmpty();
            throttle.recordFailure(user, "10.9.1.1");
        }
        assertThat(throttle.admit(user, "10.9.1.2")).contains(Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(31));
        assertThat(throttle.admit(user, "10.9.1.3")).as("the one attempt after the block").isEmpty();
        assertThat(throttle.admit(user, "10.9.1.4")).as("a second one while the first is checked").isPresent();
        throttle.recordFailure(user, "10.9.1.3");

        Optional<Duration> next = throttle.admit(user, "10.9.1.5");
        assertThat(next).hasValueSatisfying(wait -> assertThat(wait).isGreaterThan(Duration.ofSeconds(30)));
    }

    @Test
    void theRightPasswordClearsTheUserNameAndOldAttemptsAreForgotten() {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        String user = "fresh-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            throttle.admit(user, "10.9.2.1");
            throttle.recordFailure(user, "10.9.2.1");
        }
        throttle.admit(user, "10.9.2.1");
        throttle.recordSuccess(user, "10.9.2.1");
        for (int i = 0; i < 4; i++) {
            throttle.admit(user, "10.9.2.1");
            throttle.recordFailure(user, "10.9.2.1");
        }
        clock.advance(Duration.ofHours(2));

        assertThat(throttle.admit(user, "10.9.2.1")).isEmpty();
        throttle.recordFailure(user, "10.9.2.1");
        assertThat(throttle.admit(user, "10.9.2.1")).as("four attempts left after forgetting").isEmpty();
    }

    @Test
    void anAbsurdlyLongUserNameIsThrottledLikeAnyOther() {
        LoginThrottle throttle = new LoginThrottle(jdbc, SETTINGS, clock);
        String user = "x".repeat(100_000) + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.admit(user, "10.9.3.1")).isEmpty();
            throttle.recordFailure(user, "10.9.3.1");
        }
        assertThat(throttle.admit(user, "10.9.3.2")).isPresent();
    }

    static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
