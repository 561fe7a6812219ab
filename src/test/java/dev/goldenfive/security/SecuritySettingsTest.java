package dev.goldenfive.security;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad security settings stop the start with a message, before anything listens. */
class SecuritySettingsTest {

    static final SecuritySettings.LoginThrottle THROTTLE = new SecuritySettings.LoginThrottle(5, 20,
            Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofHours(1));

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void anAdminTokenShorterThan32CharactersOrWithSpacesIsRefused() {
        assertThat(messages(new SecuritySettings("", "too-short", 12, THROTTLE))).singleElement().asString()
                .contains("at least 32 characters");
        assertThat(messages(new SecuritySettings("", "a token with spaces in it that is long", 12, THROTTLE))).hasSize(1);
        assertThat(messages(new SecuritySettings("", GoldenfiveTest.ADMIN_TOKEN, 12, THROTTLE))).isEmpty();
        assertThat(messages(new SecuritySettings("", "", 12, THROTTLE))).isEmpty();
    }

    @Test
    void anAdminPasswordOutside12To72BytesIsRefused() {
        assertThat(messages(new SecuritySettings("short", "", 12, THROTTLE))).singleElement().asString()
                .contains("12 to 72 bytes");
        assertThat(messages(new SecuritySettings("密".repeat(25), "", 12, THROTTLE))).as("75 bytes").hasSize(1);
        assertThat(messages(new SecuritySettings("twelve chars", "", 12, THROTTLE))).isEmpty();
    }

    @Test
    void theThrottleMustForgetOnlyAfterItsLongestBlock() {
        var forgetful = new SecuritySettings.LoginThrottle(5, 20, Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofMinutes(15));

        assertThat(messages(new SecuritySettings("", "", 12, forgetful))).singleElement().asString()
                .contains("forget-after must be longer than max-block");
    }

    private Set<String> messages(SecuritySettings settings) {
        Set<ConstraintViolation<SecuritySettings>> violations = validator.validate(settings);
        return violations.stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
    }
}
