package dev.goldenfive.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.util.WebUtils;

/**
 * CSRF tokens kept in the session of a signed-in person, and in a cookie for a visitor who has none (the
 * login form): so showing the login page creates no session, and only signing in does.
 */
final class SessionOrCookieCsrfTokens implements CsrfTokenRepository {

    static final String COOKIE = "XSRF-TOKEN";
    private static final String HEADER = "X-CSRF-TOKEN";

    private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
    private final CookieCsrfTokenRepository cookie = new CookieCsrfTokenRepository();

    SessionOrCookieCsrfTokens() {
        session.setHeaderName(HEADER);
        cookie.setHeaderName(HEADER);
        cookie.setCookieName(COOKIE);
        cookie.setCookieCustomizer(c -> c.httpOnly(true).sameSite("Strict"));
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return session.generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        if (token == null) {
            session.saveToken(null, request, response);
            if (WebUtils.getCookie(request, COOKIE) != null) {
                cookie.saveToken(null, request, response);
            }
        }
        else if (request.getSession(false) != null) {
            session.saveToken(token, request, response);
        }
        else {
            cookie.saveToken(token, request, response);
        }
    }

    /** Once there is a session, only its own token counts: a cookie someone else planted never does. */
    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return request.getSession(false) != null ? session.loadToken(request) : cookie.loadToken(request);
    }
}
