package dev.goldenfive.security;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A person who signs in. Guards its own invariants: a user always holds at least one role; a person from an
 * identity provider has no password here, and only a sign-in the provider accepts enables them again after the
 * provider disabled them.
 */
@Entity
@Table(name = "app_user")
class AppUser {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String username;

    private String displayName;

    private String passwordHash;

    private boolean enabled;

    private Instant createdAt;

    private Instant passwordChangedAt;

    /** Sessions signed in before this end: a password change or being disabled ends them all. */
    private Instant signedOutAt;

    @Enumerated(EnumType.STRING)
    private Source source = Source.LOCAL;

    /** OIDC: issuer and subject; LDAP: the entry's DN; null for a local account. */
    private String externalId;

    private String email;

    @Enumerated(EnumType.STRING)
    private DisabledBy disabledBy;

    private Instant lastSignInAt;

    private Instant providerVouchedAt;

    /** The provider's refresh token, encrypted; written by the sign-in and the periodic check alone, never here. */
    @Column(insertable = false, updatable = false)
    private String refreshToken;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "app_user_team", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "team")
    private Set<String> teams = new TreeSet<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "app_user_role", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "role")
    @Enumerated(EnumType.STRING)
    private Set<Role> roles = EnumSet.noneOf(Role.class);

    @Version
    private long version;

    protected AppUser() {
    }

    AppUser(String username, String displayName, String passwordHash, Set<Role> roles, Instant now) {
        this.username = username;
        this.displayName = displayName;
        this.passwordHash = passwordHash;
        this.enabled = true;
        this.createdAt = now;
        this.passwordChangedAt = now;
        this.signedOutAt = now;
        changeRoles(roles);
    }

    /** A person the provider vouched for, seen for the first time. */
    static AppUser fromProvider(Source source, String externalId, String username, String displayName, String email,
            Set<Role> roles, Set<String> teams, Instant now) {
        AppUser user = new AppUser(username, displayName, null, roles, now);
        user.source = source;
        user.externalId = externalId;
        user.signedInThroughProvider(displayName, email, roles, teams, now);
        return user;
    }

    /** What the provider says at a sign-in it accepted: their name, address, roles and teams, and that they may sign in. */
    void signedInThroughProvider(String newDisplayName, String newEmail, Set<Role> newRoles, Set<String> newTeams,
            Instant now) {
        displayName = newDisplayName;
        email = newEmail;
        changeRoles(newRoles);
        changeTeams(newTeams);
        if (disabledBy == DisabledBy.PROVIDER) {
            enabled = true;
            disabledBy = null;
        }
        lastSignInAt = now;
        providerVouchedAt = now;
    }

    /** The directory entry the person now signs in as (it moved, or was renamed). */
    void movedTo(String newExternalId) {
        externalId = newExternalId;
    }

    void vouchedFor(Instant now) {
        providerVouchedAt = now;
    }

    void signedIn(Instant now) {
        lastSignInAt = now;
    }

    void changeDisplayName(String newDisplayName) {
        displayName = newDisplayName;
    }

    void changeTeams(Set<String> newTeams) {
        teams.clear();
        teams.addAll(newTeams);
    }

    void changeRoles(Set<Role> newRoles) {
        if (newRoles == null || newRoles.isEmpty()) {
            throw new IllegalArgumentException("A user needs at least one role");
        }
        roles.clear();
        roles.addAll(newRoles);
    }

    void changePassword(String newHash, Instant now) {
        this.passwordHash = newHash;
        this.passwordChangedAt = now;
        this.signedOutAt = now;
    }

    void enable() {
        this.enabled = true;
        this.disabledBy = null;
    }

    void disable(DisabledBy by, Instant now) {
        if (enabled || by == DisabledBy.ADMIN) {
            this.disabledBy = by;
        }
        this.enabled = false;
        this.signedOutAt = now;
    }

    /** Who disabled a person: an administrator here, or the identity provider (which may let them in again). */
    enum DisabledBy {
        ADMIN,
        PROVIDER
    }

    Source source() {
        return source;
    }

    String externalId() {
        return externalId;
    }

    String email() {
        return email;
    }

    DisabledBy disabledBy() {
        return disabledBy;
    }

    Instant lastSignInAt() {
        return lastSignInAt;
    }

    /** Whether the periodic check can ask the OpenID provider about the person (it holds their refresh token). */
    boolean checkable() {
        return refreshToken != null;
    }

    /** When the provider last let the person in or answered a check for them; null for a local account. */
    Instant providerVouchedAt() {
        return providerVouchedAt;
    }

    /** Sorted, so that every page lists them alike. */
    Set<String> teams() {
        return Collections.unmodifiableSet(new TreeSet<>(teams));
    }

    boolean isActiveAdmin() {
        return enabled && roles.contains(Role.ADMIN);
    }

    Long id() {
        return id;
    }

    String username() {
        return username;
    }

    String displayName() {
        return displayName;
    }

    String passwordHash() {
        return passwordHash;
    }

    boolean enabled() {
        return enabled;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant passwordChangedAt() {
        return passwordChangedAt;
    }

    /** In the enum's order, so that every page lists them alike. */
    Set<Role> roles() {
        return Collections.unmodifiableSet(roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
    }
}
