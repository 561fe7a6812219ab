package dev.goldenfive.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps a browser session true to the database on every replica: a user who was disabled, or whose
 * password was reset after they signed in, is signed out at their next request; changed roles apply at once.
 */
class SessionRefreshFilter extends OncePerRequestFilter {

    private final UserAccounts accounts;
    private final SecurityContextRepository repository;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    SessionRefreshFilter(UserAccounts accounts, SecurityContextRepository repository) {
        this.accounts = accounts;
        this.repository = repository;
    }

    /** Static files need no signed-in user, and checking would cost a query per asset. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/assets/") || path.startsWith("/webjars/") || path.equals("/favicon.ico");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = contexts.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof SignedInUser user) {
            var current = accounts.current(user.id());
            boolean stale = current.isEmpty() || !user.heldBy(current.get());
            if (stale) {
                new SecurityContextLogoutHandler().logout(request, response, auth);
                response.sendRedirect(request.getContextPath() + "/login?expired");
                return;
            }
            if (!current.get().roles().equals(user.roles())) {
                user.withRoles(current.get().roles()).holdSession(repository, request, response);
            }
        }
        chain.doFilter(request, response);
    }
}
