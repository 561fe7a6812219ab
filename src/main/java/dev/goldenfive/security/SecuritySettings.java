package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
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
 * @param passwordSignIn whether local accounts may sign in with their password here (off: only the provider's
 *                       sign-in, and the directory's when LDAP is set); turn it on again for break-glass use
 * @param oidc           the company's OpenID Connect provider, off while {@code issuer} is empty
 * @param ldap           the company's LDAP directory or Active Directory, off while {@code url} is empty
 * @param groupRules     how a provider's or directory's groups become roles and paging teams, in order; a person
 *                       holds every role and team of every rule their groups match
 * @param audit          how long the audit of sign-ins, role changes and tokens is kept
 */
@Validated
@ConfigurationProperties("goldenfive.security")
public record SecuritySettings(
        @DefaultValue("") String adminPassword,
        @DefaultValue("") @Size(max = 512) String adminToken,
        @Min(10) @Max(16) @DefaultValue("12") int bcryptStrength,
        @Valid @NotNull @DefaultValue LoginThrottle loginThrottle,
        @DefaultValue("true") boolean passwordSignIn,
        @Valid @NotNull @DefaultValue Oidc oidc,
        @Valid @NotNull @DefaultValue Ldap ldap,
        @Valid @NotNull @DefaultValue List<@Valid @NotNull GroupRule> groupRules,
        @Valid @NotNull @DefaultValue AuditSettings audit) {

    /** Checked when the settings are bound, so a bad value stops the start before anything listens. */
    @AssertTrue(message = "GOLDENFIVE_ADMIN_PASSWORD must be empty or 12 to 72 bytes")
    public boolean isAdminPasswordUsable() {
        int bytes = adminPassword.getBytes(StandardCharsets.UTF_8).length;
        return adminPassword.isEmpty() || (adminPassword.length() >= PasswordPolicy.MIN_LENGTH && bytes <= PasswordPolicy.MAX_BYTES);
    }

    @AssertTrue(message = "with password-sign-in off, an OIDC issuer or an LDAP url is needed: nobody could sign in")
    public boolean isSomeSignInLeft() {
        return passwordSignIn || oidc == null || ldap == null || oidc.enabled() || ldap.enabled();
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

    /**
     * @param issuer        the provider's issuer URL (Keycloak: {@code https://sso.example.com/realms/acme}; Entra ID:
     *                      {@code https://login.microsoftonline.com/<tenant>/v2.0}); its discovery document is read at
     *                      the first sign-in, not at start
     * @param clientId      this application's client id at the provider
     * @param clientSecret  its secret (empty: a public client, with PKCE only and no periodic check)
     * @param name          the sign-in button says "Sign in with {name}"
     * @param scopes        asked for at sign-in; add {@code offline_access} where the provider gives refresh tokens
     *                      only then (Entra ID)
     * @param usernameClaim the claim that names the person here; {@code email}, then the subject, when it is absent
     * @param groupsClaim   the claim whose values the group rules match (a list, or one string)
     * @param checkEvery    how often each person's refresh token is used to ask the provider whether they may still
     *                      sign in; zero turns the check off
     */
    public record Oidc(
            @DefaultValue("") @Pattern(regexp = "|https?://\\S+", message = "must be empty or an http(s) URL") String issuer,
            @DefaultValue("") @Size(max = 255) String clientId,
            @DefaultValue("") @Size(max = 1024) String clientSecret,
            @DefaultValue("your identity provider") @Size(max = 60) String name,
            @NotEmpty @DefaultValue({"openid", "profile", "email"}) List<@NotBlank String> scopes,
            @NotBlank @DefaultValue("preferred_username") String usernameClaim,
            @NotBlank @DefaultValue("groups") String groupsClaim,
            @NotNull @DefaultValue("15m") Duration checkEvery) {

        public boolean enabled() {
            return !issuer.isEmpty();
        }

        @AssertTrue(message = "an OIDC issuer needs a client-id")
        public boolean isClientNamed() {
            return issuer.isEmpty() || !clientId.isBlank();
        }
    }

    /**
     * Either {@code userDnPatterns} (bind directly as {@code uid={0},ou=people}) or {@code userSearchFilter} (find the
     * entry first, as {@code managerDn} when anonymous search is not allowed); Active Directory with {@code
     * activeDirectoryDomain} instead.
     *
     * @param url                   {@code ldap://} or {@code ldaps://} with the base DN, as {@code ldaps://ldap.example.com/dc=example,dc=com}
     * @param groupSearchFilter     {@code {0}} is the person's DN, {@code {1}} their user name
     * @param groupNameAttribute    the attribute of a group entry the group rules match
     * @param displayNameAttribute  the person's name as shown
     * @param checkEvery            how often each person's entry is looked up (as {@code managerDn}) to see whether it
     *                              is still there and not locked; zero, or no manager, turns it off
     */
    public record Ldap(
            @DefaultValue("") @Pattern(regexp = "|ldaps?://\\S+", message = "must be empty or an ldap:// or ldaps:// URL") String url,
            @DefaultValue("") String activeDirectoryDomain,
            @DefaultValue List<String> userDnPatterns,
            @DefaultValue("") String userSearchBase,
            @DefaultValue("(uid={0})") String userSearchFilter,
            @DefaultValue("") String managerDn,
            @DefaultValue("") String managerPassword,
            @DefaultValue("") String groupSearchBase,
            @DefaultValue("(member={0})") String groupSearchFilter,
            @DefaultValue("cn") String groupNameAttribute,
            @DefaultValue("cn") String displayNameAttribute,
            @DefaultValue("mail") String emailAttribute,
            @NotNull @DefaultValue("15m") Duration checkEvery) {

        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    /**
     * One rule: a person in a group named {@code group} (any case), or whose name matches the regular expression
     * {@code pattern} as a whole, holds {@code roles} and belongs to {@code teams}; a team may use the pattern's
     * groups ({@code $1}).
     */
    public record GroupRule(
            @Size(max = 256) String group,
            @Size(max = 256) String pattern,
            @DefaultValue Set<Role> roles,
            @DefaultValue List<@NotBlank @Size(max = 100) String> teams) {

        @AssertTrue(message = "a group rule names either a group or a pattern, and gives roles or teams")
        public boolean isComplete() {
            return (group == null || group.isBlank()) != (pattern == null || pattern.isBlank())
                    && (!roles.isEmpty() || !teams.isEmpty());
        }

        @AssertTrue(message = "a group rule's pattern must be a regular expression")
        public boolean isPatternValid() {
            try {
                if (pattern != null) {
                    java.util.regex.Pattern.compile(pattern);
                }
                return true;
            }
            catch (java.util.regex.PatternSyntaxException ex) {
                return false;
            }
        }
    }

    /**
     * @param keep       audit lines older than this are deleted
     * @param purgeEvery how often old lines are looked for
     */
    public record AuditSettings(
            @NotNull @DefaultValue("400d") Duration keep,
            @NotNull @DefaultValue("1h") Duration purgeEvery) {
    }
}
