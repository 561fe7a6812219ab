package dev.goldenfive.security;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.goldenfive.security.AuditEvent.Outcome;

/**
 * People whom the company's identity provider or directory vouches for: created at their first sign-in, brought
 * up to date (name, address, roles and teams from their groups) at each, and disabled when the provider no longer
 * knows them.
 */
@Service
@Transactional
class ProviderPeople {

    /**
     * What the provider said about a person at a sign-in it accepted.
     *
     * @param externalId OIDC: issuer and subject; LDAP: the entry's DN
     */
    record Claims(Source source, String externalId, String username, String displayName, String email,
            Collection<String> groups) {
    }

    private final AppUserRepository users;
    private final GroupRules rules;
    private final Audit audit;
    private final Clock clock;

    ProviderPeople(AppUserRepository users, SecuritySettings settings, Audit audit, Clock clock) {
        this.users = users;
        this.rules = new GroupRules(settings.groupRules());
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * {@link #signIn} once more when a periodic check changed the person at the same moment (their row's version
     * moved on): a sign-in should not fail for that.
     */
    static SignedInUser signInRetrying(ProviderPeople people, Claims claims) {
        try {
            return people.signIn(claims);
        }
        catch (OptimisticLockingFailureException raced) {
            return people.signIn(claims);
        }
    }

    /** The person as signed in now, created or updated; refused when goldenfive cannot let them in. */
    SignedInUser signIn(Claims claims) {
        String method = claims.source().method();
        String username = claims.username() == null ? "" : claims.username().strip().toLowerCase(Locale.ROOT);
        if (!UserAccounts.USERNAME.matcher(username).matches()) {
            throw new SignInRefused("username", claims.username(), method, "The provider's user name '" + claims.username()
                    + "' is not usable here (2–64 letters, digits, '.', '_', '@' or '-')");
        }
        GroupRules.Grant grant = rules.grant(claims.groups());
        if (grant.roles().isEmpty()) {
            throw new SignInRefused("no-role", username, method, "None of the groups " + claims.groups()
                    + " gives a role in goldenfive");
        }
        String displayName = claims.displayName() == null || claims.displayName().isBlank() ? username
                : clip(claims.displayName().strip(), 128);
        String email = claims.email() == null || claims.email().length() > 254 ? null : claims.email();
        // as PostgreSQL keeps it (microseconds): the session's sign-in must not seem older than the account
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AppUser person = users.findBySourceAndExternalId(claims.source(), claims.externalId()).orElse(null);
        if (person == null) {
            AppUser sameName = users.findByUsername(username).orElse(null);
            if (sameName != null && movedInTheDirectory(claims, sameName)) {
                person = sameName;
            }
            else if (sameName != null) {
                throw new SignInRefused("name-taken", username, method, "The user name '" + username
                        + "' belongs to another account here");
            }
        }
        if (person == null) {
            try {
                person = users.saveAndFlush(AppUser.fromProvider(claims.source(), claims.externalId(), username, displayName,
                        email, grant.roles(), grant.teams(), now));
            }
            catch (DataIntegrityViolationException raced) {
                throw new SignInRefused("name-taken", username, method, "The user name '" + username + "' was just taken");
            }
            audit.record("person.created", Outcome.SUCCESS, username, username, method, Audit.currentAddress(),
                    Map.of("roles", grant.roles(), "teams", grant.teams()));
        }
        else {
            if (!person.enabled() && person.disabledBy() == AppUser.DisabledBy.ADMIN) {
                throw new SignInRefused("disabled", person.username(), method, "An administrator disabled this person here");
            }
            // the user name stays what it was at the first sign-in: schedules, paging rules and incidents name it
            Set<Role> rolesBefore = person.roles();
            Set<String> teamsBefore = person.teams();
            person.signedInThroughProvider(displayName, email, grant.roles(), grant.teams(), now);
            recordChanges(person, rolesBefore, teamsBefore, method);
        }
        return new SignedInUser(person.id(), person.username(), person.displayName(), null, true, person.roles(), now);
    }

    /**
     * A directory person whose entry moved or was renamed (a new DN) and who signed in with the same user name and
     * that entry's password: the directory says who signs in by that name, so they are the same person, now
     * under the new DN. An OpenID subject is never re-keyed: a new subject is a new person.
     */
    private boolean movedInTheDirectory(Claims claims, AppUser sameName) {
        if (claims.source() != Source.LDAP || sameName.source() != Source.LDAP) {
            return false;
        }
        audit.record("person.moved", Outcome.SUCCESS, null, sameName.username(), claims.source().method(),
                Audit.currentAddress(), Audit.change(sameName.externalId(), claims.externalId()));
        sameName.movedTo(claims.externalId());
        return true;
    }

    /**
     * The provider still lets the person in (a periodic check): noted, and when it said their groups, their roles
     * and teams follow them; none with a role disables them. The provider never demotes the last enabled
     * administrator: that takes an administrator here.
     */
    void vouchedFor(long userId, Collection<String> groups, String method) {
        users.findById(userId).filter(AppUser::enabled).ifPresent(person -> {
            person.vouchedFor(clock.instant());
            if (groups == null) {
                return;
            }
            GroupRules.Grant grant = rules.grant(groups);
            if (grant.roles().isEmpty()) {
                disable(person, method, "none of their groups gives a role any more");
                return;
            }
            Set<Role> rolesBefore = person.roles();
            Set<String> teamsBefore = person.teams();
            person.changeRoles(grant.roles());
            person.changeTeams(grant.teams());
            if (rolesBefore.contains(Role.ADMIN) && !person.isActiveAdmin()) {
                users.flush();
                if (users.countActiveAdmins() == 0) {
                    person.changeRoles(rolesBefore);
                    audit.record("person.roles", Outcome.FAILURE, null, person.username(), method, null,
                            Map.of("reason", "last-admin", "groups", grant.matched()));
                }
            }
            recordChanges(person, rolesBefore, teamsBefore, method);
        });
    }

    /** The provider no longer lets the person in (disabled, removed, or their grant revoked): so neither does goldenfive. */
    void disabledByProvider(long userId, String method, String why) {
        users.findById(userId).filter(AppUser::enabled).ifPresent(person -> disable(person, method, why));
    }

    private void disable(AppUser person, String method, String why) {
        person.disable(AppUser.DisabledBy.PROVIDER, clock.instant());
        audit.record("person.disabled", Outcome.SUCCESS, null, person.username(), method, null, Map.of("by", "provider", "why", why));
    }

    private void recordChanges(AppUser person, Set<Role> rolesBefore, Set<String> teamsBefore, String method) {
        if (!rolesBefore.equals(person.roles())) {
            audit.record("person.roles", Outcome.SUCCESS, null, person.username(), method, Audit.currentAddress(),
                    Audit.change(rolesBefore, person.roles()));
        }
        if (!teamsBefore.equals(person.teams())) {
            audit.record("person.teams", Outcome.SUCCESS, null, person.username(), method, Audit.currentAddress(),
                    Audit.change(teamsBefore, person.teams()));
        }
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
