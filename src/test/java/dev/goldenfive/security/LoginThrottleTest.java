package dev.goldenfive.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The throttle against the real table, with its transactions, on a clock the test moves. */
@GoldenfiveTest
class LoginThrottleTest {

    static final SecuritySettings SETTINGS = SecuritySettingsTest.settings("", "", SecuritySettingsTest.THROTTLE, java.util.Map.of());

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionManager transactions;

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

    LoginThrottle throttle;

    @BeforeEach
    void throttleWithItsTransactionsOnAClockTheTestMoves() {
        var proxy = new ProxyFactory(new LoginThrottle(jdbc, SETTINGS, clock));
        proxy.setProxyTargetClass(true);
        proxy.addAdvice(new TransactionInterceptor(transactions, new AnnotationTransactionAttributeSource(false)));
        throttle = (LoginThrottle) proxy.getProxy();
    }

    @Test
    void theFirstBlockDoublesWithEachFurtherFailure() {
        assertThat(throttle.blockFor(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(throttle.blockFor(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(throttle.blockFor(4)).isEqualTo(Duration.ofMinutes(8));
    }

    @Test
    void noBlockIsLongerThanTheMaximumHoweverManyFailures() {
        assertThat(throttle.blockFor(5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.blockFor(10_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aBurstOfConcurrentGuessesGetsNoMorePasswordChecksThanAllowed() throws Exception {
        String user = "burst-" + UUID.randomUUID();
        var start = new CountDownLatch(1);
        var addresses = new AtomicInteger();
        Callable<Boolean> attempt = () -> {
            String address = "10.9.0." + addresses.incrementAndGet();
            start.await();
            return throttle.admit(user, address).isEmpty();
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
        String user = "slow-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            fail(user, "10.9.1.1");
        }
        assertThat(throttle.admit(user, "10.9.1.2")).contains(Duration.ofSeconds(30));

        clock.advance(Duration.ofSeconds(31));
        assertThat(throttle.admit(user, "10.9.1.3")).as("the one attempt after the block").isEmpty();
        assertThat(throttle.admit(user, "10.9.1.4")).as("a second one while the first is checked")
                .contains(Duration.ofSeconds(1));
        throttle.settle(user, "10.9.1.3", LoginThrottle.Outcome.FAILURE);

        assertThat(throttle.admit(user, "10.9.1.5")).contains(Duration.ofSeconds(60));
    }

    @Test
    void theRightPasswordStartsTheUserNameAfresh() {
        String user = "fresh-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            fail(user, "10.9.2." + i);
        }
        assertThat(throttle.admit(user, "10.9.2.10")).isEmpty();
        throttle.settle(user, "10.9.2.10", LoginThrottle.Outcome.SUCCESS);

        for (int i = 0; i < 4; i++) {
            fail(user, "10.9.2." + (20 + i));
        }
        assertThat(throttle.admit(user, "10.9.2.30")).as("the fifth failure since the success").isEmpty();
        throttle.settle(user, "10.9.2.30", LoginThrottle.Outcome.FAILURE);
        assertThat(throttle.admit(user, "10.9.2.31")).isPresent();
    }

    @Test
    void attemptsAnHourOldAreForgotten() {
        String user = "forgotten-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            fail(user, "10.9.3." + i);
        }
        clock.advance(Duration.ofMinutes(61));

        for (int i = 0; i < 4; i++) {
            fail(user, "10.9.3." + (10 + i));
        }
        assertThat(throttle.admit(user, "10.9.3.20")).as("four failures since the hour passed").isEmpty();
    }

    @Test
    void refusedAttemptsCountForNothingSoABlockedAddressCannotLockOutAUserName() {
        String victim = "victim-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            fail("nobody-" + UUID.randomUUID(), "10.9.4.1");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(throttle.admit(victim, "10.9.4.1")).isPresent();
        }

        assertThat(throttle.admit(victim, "10.9.4.2")).as("the victim from elsewhere").isEmpty();
    }

    @Test
    void anAttemptWhoseReplicaDiedWhileCheckingStopsCountingAfterAMinute() {
        String user = "lost-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            fail(user, "10.9.5." + i);
        }
        assertThat(throttle.admit(user, "10.9.5.10")).isEmpty(); // never settled
        assertThat(throttle.admit(user, "10.9.5.11")).isPresent();

        clock.advance(Duration.ofSeconds(61));

        assertThat(throttle.admit(user, "10.9.5.12")).isEmpty();
    }

    @Test
    void anAbsurdlyLongUserNameIsThrottledLikeAnyOther() {
        String user = "x".repeat(100_000) + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            fail(user, "10.9.6." + i);
        }
        assertThat(throttle.admit(user, "10.9.6.10")).isPresent();
    }

    private void fail(String user, String address) {
        assertThat(throttle.admit(user, address)).as("admitted").isEmpty();
        throttle.settle(user, address, LoginThrottle.Outcome.FAILURE);
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
