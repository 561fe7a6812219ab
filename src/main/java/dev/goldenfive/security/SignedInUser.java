package dev.goldenfive.security;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The person behind a browser session, as loaded when they signed in. {@code loadedAt} lets a later
 * request notice that the password was reset since, which ends the session.
 */
final class SignedInUser implements UserDetails, CredentialsContainer, Serializable {

    private final long id;
    private final String username;
    private final String displayName;
    private String password;
    private final boolean enabled;
    private final Set<Role> roles;
    private final Instant loadedAt;

    SignedInUser(long id, String username, String displayName, String password, boolean enabled, Set<Role> roles,
            Instant loadedAt) {
        this.id = id;
        this.username = username;
        this.displayName = displayName;
        this.password = password;
        this.enabled = enabled;
        this.roles = Set.copyOf(roles);
        this.loadedAt = loadedAt;
    }

    SignedInUser withRoles(Set<Role> newRoles) {
        return new SignedInUser(id, username, displayName, null, enabled, newRoles, loadedAt);
    }

    long id() {
        return id;
    }

    String displayName() {
        return displayName;
    }

    Set<Role> roles() {
        return roles;
    }

    Instant loadedAt() {
        return loadedAt;
    }

    /** Whether this sign-in still holds for the person as they are now: enabled, neither a password set nor disabled since. */
    boolean heldBy(UserAccounts.Standing current) {
        return current.enabled() && !current.signedOutAt().isAfter(loadedAt);
    }

    /** Makes this person the one signed in, for the rest of the request and in its session. */
    Authentication holdSession(SecurityContextRepository repository, HttpServletRequest request, HttpServletResponse response) {
        SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(this, null, getAuthorities()));
        contexts.setContext(context);
        repository.saveContext(context, request, response);
        return context.getAuthentication();
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return roles.stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList();
    }

    @Override
    public String getPassword() {
        return password;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void eraseCredentials() {
        password = null;
    }
}
