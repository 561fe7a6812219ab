package dev.goldenfive.security;

import java.time.Instant;
import java.util.Set;

/**
 * A user as pages and other modules see them: never the password hash.
 *
 * @param source     where their sign-in is checked; roles and teams of a person from a provider follow its groups
 * @param disabledBy {@code ADMIN} or {@code PROVIDER} while disabled, else null
 */
public record UserView(long id, String username, String displayName, boolean enabled, Set<Role> roles,
        Instant createdAt, Instant passwordChangedAt, Source source, String email, Set<String> teams,
        String disabledBy, Instant lastSignInAt) {

    static UserView of(AppUser user) {
        return new UserView(user.id(), user.username(), user.displayName(), user.enabled(), user.roles(),
                user.createdAt(), user.passwordChangedAt(), user.source(), user.email(), user.teams(),
                user.disabledBy() == null ? null : user.disabledBy().name(), user.lastSignInAt());
    }

    /** Whether roles and teams are the provider's to say (they are overwritten at every sign-in). */
    public boolean fromProvider() {
        return source != Source.LOCAL;
    }
}
