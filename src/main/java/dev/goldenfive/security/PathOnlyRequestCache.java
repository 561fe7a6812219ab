package dev.goldenfive.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.web.util.WebUtils;

/**
 * Remembers which page a visitor asked for before signing in: only its path and query, in a short-lived
 * cookie. Nothing of the request itself (headers, cookies, body) is kept, no session is created for it, and
 * a request that carries a bearer token, is not a plain GET or does not ask for a page is not remembered.
 */
final class PathOnlyRequestCache implements RequestCache {

    static final String COOKIE = "GOLDENFIVE-CONTINUE";
    private static final Duration KEEP = Duration.ofMinutes(10);
    private static final int MAX_PATH = 2000;

    /** Only a page a person navigated to: a GET for HTML, not a script's request nor an event stream's. */
    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (!"GET".equals(request.getMethod()) || CredentialsOutsideSessions.carriesBearerToken(request)
                || request.getHeader("HX-Request") != null || accept == null || !accept.contains("text/html")) {
            return;
        }
        String path = pathOf(request);
        if (path.length() > MAX_PATH) {
            return;
        }
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(path.getBytes(StandardCharsets.UTF_8));
        write(request, response, value, KEEP);
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        var cookie = WebUtils.getCookie(request, COOKIE);
        if (cookie == null) {
            return null;
        }
        try {
            String path = new String(Base64.getUrlDecoder().decode(cookie.getValue()), StandardCharsets.UTF_8);
            // our own paths only: a cookie planted elsewhere must not send the person to another site
            boolean local = path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\")
                    && path.chars().noneMatch(c -> c < 0x20);
            // the redirect strategy puts the context path in front
            return local ? new SimpleSavedRequest(path) : null;
        }
        catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    /** The remembered page is shown once it is reached; the cookie goes then. */
    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        var saved = getRequest(request, response);
        if (saved != null && saved.getRedirectUrl().equals(pathOf(request))) {
            removeRequest(request, response);
        }
        return null;
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        if (WebUtils.getCookie(request, COOKIE) != null) {
            write(request, response, "", Duration.ZERO);
        }
    }

    private static String pathOf(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return request.getQueryString() == null ? path : path + "?" + request.getQueryString();
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, String value, Duration maxAge) {
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(COOKIE, value).path(path).maxAge(maxAge)
                .httpOnly(true).secure(request.isSecure()).sameSite("Lax").build().toString());
    }
}
