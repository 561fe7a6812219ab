package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
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
    @AssertTrue(message = "GOLDENFIVE_ADMIN_PASSWORD must be empty or 12 to 72 bytes")
    public boolean isAdminPasswordUsable() {
        int bytes = adminPassword.getBytes(StandardCharsets.UTF_8).length;
        return adminPassword.isEmpty() || (adminPassword.length() >= PasswordPolicy.MIN_LENGTH && bytes <= PasswordPolicy.MAX_BYTES);
    }

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
     * @param forgetAfter     attempts older than this no longer count; longer than {@code maxBlock}, or the
     *                        longest block would wipe the count and hand out a fresh set of guesses
     */
    public record LoginThrottle(
            @Min(1) @DefaultValue("5") int userFailures,
            @Min(1) @DefaultValue("20") int addressFailures,
            @NotNull @DefaultValue("30s") Duration firstBlock,
            @NotNull @DefaultValue("15m") Duration maxBlock,
            @NotNull @DefaultValue("1h") Duration forgetAfter) {

        @AssertTrue(message = "forget-after must be longer than max-block, and max-block at least first-block")
        public boolean isOrdered() {
            return firstBlock == null || maxBlock == null || forgetAfter == null
                    || (maxBlock.compareTo(firstBlock) >= 0 && forgetAfter.compareTo(maxBlock) > 0);
        }
    }
}
