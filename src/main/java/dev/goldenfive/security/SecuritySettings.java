package dev.goldenfive.security;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param adminPassword  password of the {@code admin} user created at first start; generated and logged once when empty
 * @param adminToken     registered at every start as a bearer token of {@code admin}; empty revokes an earlier one
 * @param bcryptStrength bcrypt cost of password hashes (OWASP: at least 10)
 * @param loginThrottle  how failed sign-ins slow down guessing
 */
@Validated
@ConfigurationProperties("goldenfive.security")
public record SecuritySettings(
        @DefaultValue("") String adminPassword,
        @DefaultValue("") @Size(max = 512) String adminToken,
        @Min(10) @Max(16) @DefaultValue("12") int bcryptStrength,
        @Valid @NotNull @DefaultValue LoginThrottle loginThrottle) {

    /** Checked when the settings are bound, so a bad value stops the start before anything listens. */
    @AssertTrue(message = "GOLDENFIVE_ADMIN_TOKEN must be empty or at least 32 characters without spaces")
    public boolean isAdminTokenUsable() {
        return adminToken.isEmpty()
                || (adminToken.length() >= TokenSecret.MIN_FOREIGN_LENGTH && adminToken.chars().noneMatch(Character::isWhitespace));
    }

    /**
     * @param userFailures    consecutive failures for one user name before it is blocked
     * @param addressFailures consecutive failures from one client address before it is blocked
     * @param firstBlock      the first block; each further failure doubles it
     * @param maxBlock        the longest block
     * @param forgetAfter     failures older than this no longer count
     */
    public record LoginThrottle(
            @Min(1) @DefaultValue("5") int userFailures,
            @Min(1) @DefaultValue("20") int addressFailures,
            @NotNull @DefaultValue("30s") Duration firstBlock,
            @NotNull @DefaultValue("15m") Duration maxBlock,
            @NotNull @DefaultValue("15m") Duration forgetAfter) {
    }
}
