package dev.goldenfive.security;

import java.util.function.BooleanSupplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.WebInvocationPrivilegeEvaluator;
import org.springframework.session.SessionRepository;
import org.springframework.stereotype.Service;

/**
 * For responses that stay open (event streams): whether the caller who opened one may still read it. The
 * answer follows the database, so it changes on every replica when a token is revoked or expires, a session
 * ends, the person is disabled or their password reset, or they lose the role the path needs (the same
 * rules the filter chains apply, asked again with the caller's current roles).
 */
@Service
public class StreamAccess {

    private final ApiTokens tokens;
    private final UserAccounts accounts;
    private final SessionRepository<?> sessions;
    private final WebInvocationPrivilegeEvaluator rules;

    StreamAccess(ApiTokens tokens, UserAccounts accounts, SessionRepository<?> sessions, WebInvocationPrivilegeEvaluator rules) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.sessions = sessions;
        this.rules = rules;
    }

    /** Asks again, each time it is called, whether the caller of {@code request} may still read its path. */
    public BooleanSupplier whileAllowed(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        if (caller != null && caller.getPrincipal() instanceof TokenPrincipal token) {
            long tokenId = token.tokenId();
            return () -> tokens.current(tokenId)
                    .map(now -> allowed(path, now.principal(), now.authorities().toArray(String[]::new)))
                    .orElse(false);
        }
        var session = request.getSession(false);
        if (caller != null && caller.getPrincipal() instanceof SignedInUser user && session != null) {
            String sessionId = session.getId();
            return () -> sessions.findById(sessionId) != null
                    && accounts.current(user.id())
                            .filter(user::heldBy)
                            .map(now -> allowed(path, user, now.roles().stream().map(Role::authority).toArray(String[]::new)))
                            .orElse(false);
        }
        return () -> false;
    }

    private boolean allowed(String path, Object principal, String[] authorities) {
        return rules.isAllowed(path, UsernamePasswordAuthenticationToken.authenticated(principal, null,
                AuthorityUtils.createAuthorityList(authorities)));
    }
}
