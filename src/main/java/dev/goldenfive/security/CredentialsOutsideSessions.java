package dev.goldenfive.security;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request that carries its own credentials ({@code Authorization}) is served as if it had no cookies: it
 * never reads, changes or replaces a browser session, whichever path it asks for. Runs before the session
 * filter, so the session store never hears of it.
 */
final class CredentialsOutsideSessions extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request.getHeader(HttpHeaders.AUTHORIZATION) == null ? request : new WithoutCookies(request), response);
    }

    private static final class WithoutCookies extends HttpServletRequestWrapper {

        WithoutCookies(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Cookie[] getCookies() {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.COOKIE.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.COOKIE.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public String getRequestedSessionId() {
            return null;
        }

        @Override
        public boolean isRequestedSessionIdValid() {
            return false;
        }
    }
}
