package dev.goldenfive.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} on the stateless API chain (and, on the log ingest paths, basic
 * auth with a token as its password, for shippers that know no other). No header: the request
 * goes on unauthenticated (and is refused later if the endpoint needs a caller). A header that is not a
 * valid token: 401 at once, so a typo never falls back to anonymous access.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";
    /**
     * Where a token may also come as basic auth's password (any user name): the log ingest paths, whose shippers
     * (Loki clients, Grafana Alloy, Fluent Bit) often know basic auth alone.
     */
    static final Set<String> BASIC_PATHS = Set.of("/loki/api/v1/push", "/v1/logs", "/api/v1/logs");
    /** Generous for any token format; longer values are refused before touching the database. */
    private static final int MAX_TOKEN_LENGTH = 512;

    private final ApiTokens tokens;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextRepository repository;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    BearerTokenFilter(ApiTokens tokens, AuthenticationEntryPoint entryPoint, SecurityContextRepository repository) {
        this.tokens = tokens;
        this.entryPoint = entryPoint;
        this.repository = repository;
    }

    /** The password of basic auth's {@code user:password} in base64; empty when it is not that. */
    private static String passwordOf(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(colon + 1).trim();
        }
        catch (IllegalArgumentException notBase64) {
            return "";
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        String presented;
        if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            presented = header.substring(BEARER.length()).trim();
        }
        else if (header.regionMatches(true, 0, BASIC, 0, BASIC.length())
                && BASIC_PATHS.contains(request.getRequestURI().substring(request.getContextPath().length()))) {
            presented = passwordOf(header.substring(BASIC.length()).trim());
        }
        else {
            entryPoint.commence(request, response,
                    new BadCredentialsException("Use 'Authorization: Bearer <token>' (log shippers may send basic auth with the token as password)."));
            return;
        }
        var caller = presented.isEmpty() || presented.length() > MAX_TOKEN_LENGTH
                ? Optional.<ApiTokens.AuthenticatedToken>empty()
                : tokens.authenticate(presented);
        if (caller.isEmpty()) {
            entryPoint.commence(request, response,
                    new BadCredentialsException("The bearer token is unknown, revoked or expired."));
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(caller.get().principal(), null,
                AuthorityUtils.createAuthorityList(caller.get().authorities()));
        var context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
        // kept with the request, so that the dispatch that ends an open stream is still the same caller's
        repository.saveContext(context, request, response);
        chain.doFilter(request, response);
    }
}
