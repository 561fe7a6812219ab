package dev.goldenfive.security;

import java.time.Instant;
import java.util.Set;

/** A user as pages and other modules see them: never the password hash. */
public record UserView(long id, String username, String displayName, boolean enabled, Set<Role> roles,
        Instant createdAt, Instant passwordChangedAt) {

    static UserView of(AppUser user) {
        return new UserView(user.id(), user.username(), user.displayName(), user.enabled(), user.roles(),
                user.createdAt(), user.passwordChangedAt());
    }
}
