package dev.goldenfive.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;

import dev.goldenfive.security.AuditEvent.Outcome;

/**
 * What happens after a sign-in, whichever way it came: the audit line (method, address, and why it failed), the
 * person's last sign-in, and the page they were going to; a failure goes back to the login page saying why.
 */
final class SignIns {

    private final UserAccounts accounts;
    private final Audit audit;
    private final SecurityContextRepository contexts;
    private final boolean directory;
    private final MeterRegistry meters;
    private final SavedRequestAwareAuthenticationSuccessHandler continuing = new SavedRequestAwareAuthenticationSuccessHandler();

    SignIns(UserAccounts accounts, Audit audit, SecurityContextRepository contexts, RequestCache cache, boolean directory,
            MeterRegistry meters) {
        this.accounts = accounts;
        this.meters = meters;
        this.audit = audit;
        this.contexts = contexts;
        this.directory = directory;
        this.continuing.setRequestCache(cache);
    }

    /** After the password form: a local account, or a person of the directory. */
    AuthenticationSuccessHandler formSucceeded() {
        return (request, response, authentication) -> succeeded(request, response, authentication);
    }

    /**
     * After the OpenID provider: the session holds the person as goldenfive knows them (like every other sign-in),
     * not the provider's tokens.
     */
    AuthenticationSuccessHandler providerSucceeded() {
        return (request, response, authentication) -> {
            if (authentication.getPrincipal() instanceof ProviderUser user) {
                succeeded(request, response, user.person().holdSession(contexts, request, response));
            }
            else {
                continuing.onAuthenticationSuccess(request, response, authentication);
            }
        };
    }

    private void succeeded(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException, ServletException {
        if (authentication.getPrincipal() instanceof SignedInUser person) {
            UserView now = accounts.signedIn(person.id());
            audit.record("sign-in", Outcome.SUCCESS, person.getUsername(), person.getUsername(), now.source().method(),
                    Audit.addressOf(request), Map.of("roles", now.roles()));
            count(now.source().method(), Outcome.SUCCESS);
        }
        continuing.onAuthenticationSuccess(request, response, authentication);
    }

    /** After a failed password form: throttled, wrong, or refused by the directory's groups. */
    AuthenticationFailureHandler formFailed() {
        return (request, response, failure) -> {
            String username = request.getParameter("username");
            String method = directory && !accounts.isLocal(username) ? Source.LDAP.method() : Source.LOCAL.method();
            failed(request, response, failure, username, method);
        };
    }

    /** After the OpenID provider refused, or goldenfive refused what it said. */
    AuthenticationFailureHandler providerFailed() {
        return (request, response, failure) -> failed(request, response, failure, null, Source.OIDC.method());
    }

    /** {@code goldenfive_sign_ins_total{method, outcome}}: a burst of failures shows on a dashboard before anyone reads the audit. */
    private void count(String method, Outcome outcome) {
        meters.counter("goldenfive.sign.ins", "method", method, "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
    }

    /** Signing out is in the audit too. */
    LogoutHandler signedOut() {
        return (request, response, authentication) -> {
            if (authentication != null && authentication.getPrincipal() instanceof SignedInUser person) {
                audit.record("sign-out", Outcome.SUCCESS, person.getUsername(), person.getUsername(), null,
                        Audit.addressOf(request), Map.of());
            }
        };
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure,
            String username, String method) throws IOException {
        Map<String, Object> detail = new LinkedHashMap<>();
        String target;
        switch (failure) {
            case LoginThrottled throttled -> {
                detail.put("reason", "throttled");
                target = "/login?error&retryAfter=" + throttled.retryAfterSeconds();
            }
            case SignInRefused refused -> {
                detail.put("reason", refused.reason());
                detail.put("message", refused.getMessage());
                username = refused.username();
                method = refused.method();
                target = "/login?refused=" + refused.reason();
            }
            case InternalAuthenticationServiceException unavailable -> {
                detail.put("reason", "unavailable");
                detail.put("message", unavailable.getMessage());
                target = "/login?refused=unavailable";
            }
            case OAuth2AuthenticationException provider -> {
                detail.put("reason", "provider");
                detail.put("error", provider.getError().getErrorCode());
                if (provider.getError().getDescription() != null) {
                    detail.put("message", provider.getError().getDescription());
                }
                target = "/login?refused=provider";
            }
            default -> {
                detail.put("reason", "bad-credentials");
                target = "/login?error";
            }
        }
        audit.record("sign-in", Outcome.FAILURE, username, username, method, Audit.addressOf(request), detail);
        count(method, Outcome.FAILURE);
        response.sendRedirect(request.getContextPath() + target);
    }
}
