package dev.goldenfive.security;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.goldenfive.GoldenfiveTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad security settings stop the start with a message, before anything listens. */
class SecuritySettingsTest {

    static final SecuritySettings.LoginThrottle THROTTLE = new SecuritySettings.LoginThrottle(5, 20,
            Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofHours(1));

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    /** As Spring binds them from configuration, with every default the record declares. */
    static SecuritySettings settings(String adminPassword, String adminToken, SecuritySettings.LoginThrottle throttle,
            Map<String, String> more) {
        Map<String, String> properties = new HashMap<>(more);
        properties.put("admin-password", adminPassword);
        properties.put("admin-token", adminToken);
        properties.put("login-throttle.user-failures", String.valueOf(throttle.userFailures()));
        properties.put("login-throttle.address-failures", String.valueOf(throttle.addressFailures()));
        properties.put("login-throttle.first-block", throttle.firstBlock().toString());
        properties.put("login-throttle.max-block", throttle.maxBlock().toString());
        properties.put("login-throttle.forget-after", throttle.forgetAfter().toString());
        Map<String, String> prefixed = new HashMap<>();
        properties.forEach((key, value) -> prefixed.put("goldenfive.security." + key, value));
        return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("goldenfive.security", SecuritySettings.class);
    }

    private static SecuritySettings settings(String adminPassword, String adminToken, SecuritySettings.LoginThrottle throttle) {
        return settings(adminPassword, adminToken, throttle, Map.of());
    }

    @Test
    void anAdminTokenShorterThan32CharactersOrWithSpacesIsRefused() {
        assertThat(messages(settings("", "too-short", THROTTLE))).singleElement().asString()
                .contains("at least 32 characters");
        assertThat(messages(settings("", "a token with spaces in it that is long", THROTTLE))).hasSize(1);
        assertThat(messages(settings("", GoldenfiveTest.ADMIN_TOKEN, THROTTLE))).isEmpty();
        assertThat(messages(settings("", "", THROTTLE))).isEmpty();
    }

    @Test
    void anAdminPasswordOutside12To72BytesIsRefused() {
        assertThat(messages(settings("short", "", THROTTLE))).singleElement().asString()
                .contains("12 to 72 bytes");
        assertThat(messages(settings("密".repeat(25), "", THROTTLE))).as("75 bytes").hasSize(1);
        assertThat(messages(settings("twelve chars", "", THROTTLE))).isEmpty();
    }

    @Test
    void theThrottleMustForgetOnlyAfterItsLongestBlock() {
        var forgetful = new SecuritySettings.LoginThrottle(5, 20, Duration.ofSeconds(30), Duration.ofMinutes(15),
                Duration.ofMinutes(15));

        assertThat(messages(settings("", "", forgetful))).singleElement().asString()
                .contains("forget-after must be longer than max-block");
    }

    @Test
    void aGroupRuleNamesAGroupOrAPatternAndGrantsSomething() {
        assertThat(messages(settings("", "", THROTTLE, Map.of("group-rules[0].group", "sre", "group-rules[0].roles[0]", "RESPONDER"))))
                .isEmpty();
        assertThat(messages(settings("", "", THROTTLE, Map.of("group-rules[0].group", "sre")))).singleElement().asString()
                .contains("names either a group or a pattern, and gives roles or teams");
        assertThat(messages(settings("", "", THROTTLE, Map.of("group-rules[0].group", "sre", "group-rules[0].pattern", "s.*",
                "group-rules[0].teams[0]", "x")))).hasSize(1);
        assertThat(messages(settings("", "", THROTTLE, Map.of("group-rules[0].pattern", "team-(", "group-rules[0].teams[0]", "$1"))))
                .singleElement().asString().contains("must be a regular expression");
    }

    @Test
    void anOpenIdProviderNeedsAnHttpIssuerAndAClientId() {
        assertThat(messages(settings("", "", THROTTLE, Map.of("oidc.issuer", "https://sso.example.com/realms/acme",
                "oidc.client-id", "goldenfive")))).isEmpty();
        assertThat(messages(settings("", "", THROTTLE, Map.of("oidc.issuer", "https://sso.example.com/realms/acme"))))
                .singleElement().asString().contains("needs a client-id");
        assertThat(messages(settings("", "", THROTTLE, Map.of("oidc.issuer", "sso.example.com", "oidc.client-id", "g"))))
                .singleElement().asString().contains("http(s) URL");
        assertThat(messages(settings("", "", THROTTLE, Map.of("ldap.url", "example.com:389")))).singleElement().asString()
                .contains("ldap://");
        assertThat(messages(settings("", "", THROTTLE, Map.of("password-sign-in", "false")))).singleElement().asString()
                .contains("nobody could sign in");
    }

    private Set<String> messages(SecuritySettings settings) {
        Set<ConstraintViolation<SecuritySettings>> violations = validator.validate(settings);
        return violations.stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
    }
}
