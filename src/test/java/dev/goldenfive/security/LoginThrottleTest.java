package dev.goldenfive.security;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final LoginThrottle throttle = new LoginThrottle(null,
            new SecuritySettings("", "", 12, new SecuritySettings.LoginThrottle(5, 20, Duration.ofSeconds(30),
                    Duration.ofMinutes(15), Duration.ofMinutes(15))),
            Clock.systemUTC());

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
}
